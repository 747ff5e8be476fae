/// One pre-training example: a sentence pair with its masked-LM targets and next-sentence label.
public struct PretrainingInstance: Sendable, Equatable {
    /// `[CLS] A [SEP] B [SEP]`, real tokens only (no padding). Masked positions hold their replacement.
    public var tokenIDs: [Int32]
    /// Same length as ``tokenIDs``: 0 for `[CLS] A [SEP]`, 1 for `B [SEP]`.
    public var segmentIDs: [Int32]
    /// Ascending positions into ``tokenIDs``, at most `maxPredictions` of them.
    public var maskedPositions: [Int32]
    /// The original ids at those positions.
    public var maskedLabels: [Int32]
    /// Whether B was drawn from another document (next-sentence label 1).
    public var isRandomNext: Bool

    /// An instance from its parts.
    public init(tokenIDs: [Int32], segmentIDs: [Int32], maskedPositions: [Int32], maskedLabels: [Int32], isRandomNext: Bool) {
        self.tokenIDs = tokenIDs
        self.segmentIDs = segmentIDs
        self.maskedPositions = maskedPositions
        self.maskedLabels = maskedLabels
        self.isRandomNext = isRandomNext
    }

    /// Where segment B starts (the count of segment-0 tokens).
    public var segmentBStart: Int { segmentIDs.firstIndex(of: 1) ?? segmentIDs.count }
}
