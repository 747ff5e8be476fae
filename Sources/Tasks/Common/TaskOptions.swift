/// Settings shared by the sentence and token tasks.
public struct TaskOptions: Sendable, Equatable {
    /// The padded length of every feature, [CLS] and [SEP] included (Google's default: 128).
    public var maxSequenceLength: Int
    /// What to do with a row that cannot be used.
    public var badRows: BadRowPolicy
    /// Multi-label classification: a label is predicted when its probability is at least this.
    public var threshold: Double

    public init(maxSequenceLength: Int = 128, badRows: BadRowPolicy = .fail, threshold: Double = MultiLabelMetrics.defaultThreshold) {
        self.maxSequenceLength = maxSequenceLength
        self.badRows = badRows
        self.threshold = threshold
    }
}
