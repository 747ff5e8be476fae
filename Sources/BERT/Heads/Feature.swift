/// One model input with its targets, already tokenized and padded to the run's sequence length — what every
/// task's data reader produces and the trainer batches.
public struct Feature: Sendable, Equatable {
    public var ids: [Int32]
    public var types: [Int32]
    /// 1 = real token, 0 = padding.
    public var mask: [Int32]
    /// Sentence classification: the class id (−1 when unknown, e.g. test data).
    public var label: Int32 = -1
    /// Regression target (STS-B).
    public var target: Float = 0
    /// Sentence tasks: this row's share of its example's loss — 1, or 1/K for each of the K windows of an input too
    /// long for one (`--doc-stride`), so that every example counts once.
    public var weight: Float = 1
    /// Multi-label classification: 1 for each label the example has, 0 for the others (nil: not scored, e.g. test data).
    public var labelSet: [Float]? = nil
    /// Token tagging: one label per position, −1 where not scored.
    public var tokenLabels: [Int32]? = nil
    /// SQuAD: answer start and end token positions (0 = [CLS] for "no answer" in v2.0).
    public var start: Int32 = -1
    public var end: Int32 = -1
    /// Pre-training (masked LM): the masked positions, their original ids and weights, padded to the run's
    /// max predictions per sequence (padding slots: position 0, id 0, weight 0). The next-sentence label
    /// (0 = real next, 1 = random) is `label`.
    public var maskedPositions: [Int32]? = nil
    public var maskedLabels: [Int32]? = nil
    public var maskedWeights: [Float]? = nil

    public init(ids: [Int32], types: [Int32], mask: [Int32]) {
        self.ids = ids
        self.types = types
        self.mask = mask
    }

    /// A row that stands for no example (pads the last micro-batch): all padding, nothing scored.
    public static func padding(length: Int) -> Feature {
        var feature = Feature(ids: [Int32](repeating: 0, count: length), types: [Int32](repeating: 0, count: length),
                              mask: [Int32](repeating: 0, count: length))
        feature.tokenLabels = [Int32](repeating: -1, count: length)
        return feature
    }

    /// Real tokens (the mask's ones).
    public var tokenCount: Int { mask.reduce(0) { $0 + Int($1) } }

    /// The sequence length the feature needs: one past its last real token (0 for a padding row). A batch cut
    /// to its longest member's `length` computes the same outputs for its real tokens.
    public var length: Int { (mask.lastIndex { $0 != 0 } ?? -1) + 1 }

    /// The feature's first `length` positions (ids, types, mask and per-token labels): the batch's own length.
    public func truncated(to length: Int) -> Feature {
        guard length < ids.count else { return self }
        var feature = self
        feature.ids = Array(ids.prefix(length))
        feature.types = Array(types.prefix(length))
        feature.mask = Array(mask.prefix(length))
        feature.tokenLabels = tokenLabels.map { Array($0.prefix(length)) }
        return feature
    }

    /// The feature with padding appended up to `length` tokens (held-out shards shorter than the training ones).
    public func padded(to length: Int) -> Feature {
        let extra = length - ids.count
        guard extra > 0 else { return self }
        var feature = self
        feature.ids += [Int32](repeating: 0, count: extra)
        feature.types += [Int32](repeating: 0, count: extra)
        feature.mask += [Int32](repeating: 0, count: extra)
        return feature
    }
}
