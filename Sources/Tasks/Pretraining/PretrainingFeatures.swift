import BERT
import Training

/// Pre-training shards as the trainer's feature source: instance i becomes a feature padded to the shards'
/// max_seq_length (ids, segment ids, mask), with its masked positions, ids and weights (1 each; the head pads
/// to max predictions) and its next-sentence label (0 = real next, 1 = random) — Google's
/// write_instance_to_example_files features, read lazily from the memory-mapped shards.
public struct PretrainingFeatures: FeatureSource {
    /// The memory-mapped shards.
    public let dataset: PretrainingDataset

    /// Reads `dataset`'s instances as features.
    public init(_ dataset: PretrainingDataset) {
        self.dataset = dataset
    }

    /// Instances over all shards.
    public var count: Int { dataset.count }

    /// Instance `index` (global over the shards) as a padded feature.
    public func feature(at index: Int) throws -> Feature {
        Self.feature(try dataset.instance(at: index), length: dataset.maxSeqLength)
    }

    /// The first `limit` instances (held-out evaluation sets are read into memory).
    public func features(limit: Int) throws -> [Feature] {
        try (0..<max(0, min(limit, count))).map(feature(at:))
    }

    static func feature(_ instance: PretrainingInstance, length: Int) -> Feature {
        let padding = length - instance.tokenIDs.count
        var feature = Feature(ids: instance.tokenIDs + [Int32](repeating: 0, count: padding),
                              types: instance.segmentIDs + [Int32](repeating: 0, count: padding),
                              mask: [Int32](repeating: 1, count: instance.tokenIDs.count) + [Int32](repeating: 0, count: padding))
        feature.label = instance.isRandomNext ? 1 : 0
        feature.maskedPositions = instance.maskedPositions
        feature.maskedLabels = instance.maskedLabels
        feature.maskedWeights = [Float](repeating: 1, count: instance.maskedPositions.count)
        return feature
    }
}
