import BERT

/// Where a trainer reads its training features: an array in memory (fine-tuning sets) or memory-mapped
/// pre-training shards, read one feature at a time so the corpus never has to fit in memory.
public protocol FeatureSource {
    /// Features in the source.
    var count: Int { get }
    /// The feature at `index` (0 ..< count).
    func feature(at index: Int) throws -> Feature
    /// The sequence length feature `index` needs (`Feature.length`), for length-grouped batches.
    func length(at index: Int) throws -> Int
}

extension FeatureSource {
    public func length(at index: Int) throws -> Int { try feature(at: index).length }
}

extension Array: FeatureSource where Element == Feature {
    public func feature(at index: Int) throws -> Feature { self[index] }
}
