import Compute

/// The settings of pre-training data generation, with the defaults of Google's `create_pretraining_data.py`
/// (whose flag each mirrors), plus the streaming group size.
public struct PretrainingOptions: Sendable, Equatable, Codable {
    /// `max_seq_length`: tokens per instance, [CLS] and both [SEP] included (at least 5).
    public var maxSeqLength: Int = 128
    /// `max_predictions_per_seq`: most masked positions per instance.
    public var maxPredictionsPerSeq: Int = 20
    /// `masked_lm_prob`: fraction of tokens to mask, in (0, 1].
    public var maskedLMProbability: Double = 0.15
    /// `dupe_factor`: passes over each document, each with different masks.
    public var dupeFactor: Int = 10
    /// `short_seq_prob`: probability of a shorter target length, in [0, 1].
    public var shortSeqProbability: Double = 0.1
    /// `do_whole_word_mask`: mask all pieces of a word together.
    public var wholeWordMask: Bool = false
    /// `random_seed`. Group 0 uses it as is; group g uses `random.Random(|seed| + (g << 64))`.
    public var seed = Int(TrainingDefaults.seed)
    /// Documents per streaming group (each group is processed as Google processes a whole corpus).
    public var shardDocuments: Int = 20000

    /// Google's defaults and a group of 20000 documents.
    public init() {}

    /// Checks every setting.
    ///
    /// - Throws: ``PretrainingError/invalidSetting(name:value:expected:)`` for the first bad one.
    public func validate() throws {
        // Named by the flag of `bert create-pretraining-data` (Google's name with dashes).
        func fail(_ name: String, _ value: Any, _ expected: String) -> PretrainingError {
            .invalidSetting(name: "--" + name.replacingOccurrences(of: "_", with: "-"), value: "\(value)", expected: expected)
        }
        guard (5...65535).contains(maxSeqLength) else { throw fail("max_seq_length", maxSeqLength, "5...65535 ([CLS], [SEP], [SEP] and a token on each side)") }
        guard (1...maxSeqLength).contains(maxPredictionsPerSeq) else {
            throw fail("max_predictions_per_seq", maxPredictionsPerSeq, "1...max_seq_length (\(maxSeqLength))")
        }
        guard maskedLMProbability > 0, maskedLMProbability <= 1 else { throw fail("masked_lm_prob", maskedLMProbability, "a value in (0, 1]") }
        guard dupeFactor >= 1 else { throw fail("dupe_factor", dupeFactor, "at least 1") }
        guard shortSeqProbability >= 0, shortSeqProbability <= 1 else { throw fail("short_seq_prob", shortSeqProbability, "a value in [0, 1]") }
        guard shardDocuments >= 1 else { throw fail("shard_documents", shardDocuments, "at least 1") }
    }
}
