/// Where a trainer reads its training features: an array in memory (fine-tuning sets) or memory-mapped
/// pre-training shards, read one feature at a time so the corpus never has to fit in memory.
public protocol FeatureSource {
    /// Features in the source.
    var count: Int { get }
    /// The feature at `index` (0 ..< count).
    func feature(at index: Int) throws -> Feature
}

extension Array: FeatureSource where Element == Feature {
    public func feature(at index: Int) throws -> Feature { self[index] }
}
