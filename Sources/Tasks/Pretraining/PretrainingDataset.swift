/// Pre-training instances read from shards written by `bert create-pretraining-data` (format:
/// ``PretrainingShardHeader``). Files are memory-mapped; ``instance(at:)`` is O(1) and thread-safe.
///
/// ```swift
/// let data = try PretrainingDataset(paths: ["pretraining-data/"])
/// let first = try data.instance(at: 0)
/// ```
public final class PretrainingDataset: @unchecked Sendable {
    /// max_seq_length shared by all shards.
    public let maxSeqLength: Int
    /// max_predictions_per_seq shared by all shards.
    public let maxPredictions: Int
    /// Vocabulary size shared by all shards (every id is below it).
    public let vocabularySize: Int
    /// The shard files, in reading order.
    public let files: [String]
    private let shards: [PretrainingShard]
    /// Global index of each shard's first instance, plus the total at the end.
    private let starts: [Int]

    /// Opens shard files, folders (every `*.sbpt` inside, sorted) or globs, and checks each (magic, version,
    /// size, checksum) and that all agree on max_seq_length, max_predictions and vocabulary size.
    ///
    /// - Throws: ``PretrainingError`` naming the offending file.
    public init(paths: [String]) throws {
        files = try PretrainingPaths.shards(paths)
        guard !files.isEmpty else { throw PretrainingError.missingInput(path: paths.joined(separator: ", ")) }
        shards = try files.map { try PretrainingShard(path: $0) }
        let first = shards[0].header
        maxSeqLength = first.maxSeqLength
        maxPredictions = first.maxPredictions
        vocabularySize = first.vocabularySize
        var starts = [0]
        for shard in shards {
            let fields: [(String, Int, Int)] = [("max_seq_length", first.maxSeqLength, shard.header.maxSeqLength),
                                                ("max_predictions_per_seq", first.maxPredictions, shard.header.maxPredictions),
                                                ("vocabulary size", first.vocabularySize, shard.header.vocabularySize)]
            for (field, expected, found) in fields where expected != found {
                throw PretrainingError.mismatchedShards(path: shard.path, field: field, expected: expected, found: found)
            }
            starts.append(starts[starts.count - 1] + shard.header.instanceCount)
        }
        self.starts = starts
    }

    /// Instances over all shards.
    public var count: Int { starts[starts.count - 1] }

    /// The instance at a global index (shards in ``files`` order).
    ///
    /// - Throws: ``PretrainingError/indexOutOfRange(index:count:)``, or ``PretrainingError/invalidShard(path:reason:)``
    ///   for a corrupt record.
    public func instance(at index: Int) throws -> PretrainingInstance {
        guard index >= 0, index < count else { throw PretrainingError.indexOutOfRange(index: index, count: count) }
        // The last shard whose start is ≤ index (binary search).
        var low = 0, high = shards.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return try shards[low].instance(at: index - starts[low])
    }
}
