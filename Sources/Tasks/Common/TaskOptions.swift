/// Settings shared by the sentence and token tasks.
public struct TaskOptions: Sendable, Equatable {
    /// The padded length of every feature, [CLS] and [SEP] included (Google's default: 128).
    public var maxSequenceLength: Int
    /// What to do with a row that cannot be used.
    public var badRows: BadRowPolicy
    /// Multi-label classification: a label is predicted when its probability is at least this.
    public var threshold: Double
    /// Sentence tasks: split an input longer than ``maxSequenceLength`` into windows whose starts are this many
    /// pieces apart (`--doc-stride`), instead of truncating it; `nil` truncates.
    public var docStride: Int?
    /// Sentence tasks with ``docStride``: how a long input's windows' outputs become its prediction.
    public var windowAggregation: WindowAggregation

    public init(maxSequenceLength: Int = 128, badRows: BadRowPolicy = .fail, threshold: Double = MultiLabelMetrics.defaultThreshold,
                docStride: Int? = nil, windowAggregation: WindowAggregation = .mean) {
        self.maxSequenceLength = maxSequenceLength
        self.badRows = badRows
        self.threshold = threshold
        self.docStride = docStride
        self.windowAggregation = windowAggregation
    }
}
