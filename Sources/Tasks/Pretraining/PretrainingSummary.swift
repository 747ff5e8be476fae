import Foundation

/// What a generation run produced, returned by ``PretrainingDataGenerator/run()``, printed by the CLI and written
/// as `summary.json` next to the shards.
public struct PretrainingSummary: Sendable, Equatable, Codable {
    /// Documents with at least one token.
    public var documents = 0
    /// Instances written.
    public var instances = 0
    /// Real tokens over all instances ([CLS] and [SEP] included, no padding).
    public var tokens = 0
    /// Masked positions drawn, by kind.
    public var masking = MaskingCounts()
    /// Instances whose B came from another document.
    public var randomNext = 0
    /// Instances shorter than max_seq_length.
    public var shorterThanMax = 0
    /// Shard files written.
    public var shards = 0
    /// Wall-clock seconds of the run.
    public var seconds = 0.0
    /// The settings used.
    public var options = PretrainingOptions()

    /// An empty summary.
    public init() {}

    /// Predictions per real token.
    public var maskedFraction: Double { ratio(masking.total, tokens) }
    /// Fractions of predictions that became `[MASK]`, stayed, or got a random word.
    public var kindFractions: (mask: Double, keep: Double, random: Double) {
        (ratio(masking.mask, masking.total), ratio(masking.keep, masking.total), ratio(masking.random, masking.total))
    }
    /// Fraction of instances with a random next sentence.
    public var randomNextFraction: Double { ratio(randomNext, instances) }
    /// Fraction of instances shorter than max_seq_length.
    public var shorterFraction: Double { ratio(shorterThanMax, instances) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    /// Counts one instance.
    mutating func count(_ instance: PretrainingInstance, maxSeqLength: Int) {
        instances += 1
        tokens += instance.tokenIDs.count
        if instance.isRandomNext { randomNext += 1 }
        if instance.tokenIDs.count < maxSeqLength { shorterThanMax += 1 }
    }

    /// Adds another group's counts (not seconds or options).
    mutating func add(_ other: PretrainingSummary) {
        documents += other.documents
        instances += other.instances
        tokens += other.tokens
        masking.add(other.masking)
        randomNext += other.randomNext
        shorterThanMax += other.shorterThanMax
        shards += other.shards
    }

    /// Several lines for people.
    public var report: String {
        let kinds = kindFractions
        return String(format: """
            documents %d, instances %d, real tokens %d, shards %d, %.2f s
            masked fraction %.4f (%d predictions; [MASK] %.3f, kept %.3f, random %.3f)
            random next %.4f, shorter than %d tokens %.4f
            """, documents, instances, tokens, shards, seconds, maskedFraction, masking.total, kinds.mask, kinds.keep, kinds.random,
                      randomNextFraction, options.maxSeqLength, shorterFraction)
    }

    /// The summary as JSON, with the derived fractions.
    public func json() throws -> Data {
        let kinds = kindFractions
        let object: [String: Any] = [
            "documents": documents, "instances": instances, "tokens": tokens, "predictions": masking.total,
            "masked_fraction": maskedFraction,
            "mask_kinds": ["mask": kinds.mask, "keep": kinds.keep, "random": kinds.random],
            "mask_kind_counts": ["mask": masking.mask, "keep": masking.keep, "random": masking.random],
            "random_next_fraction": randomNextFraction, "shorter_than_max_fraction": shorterFraction,
            "shards": shards, "seconds": seconds,
            "options": ["max_seq_length": options.maxSeqLength, "max_predictions_per_seq": options.maxPredictionsPerSeq,
                        "masked_lm_prob": options.maskedLMProbability, "dupe_factor": options.dupeFactor,
                        "short_seq_prob": options.shortSeqProbability, "do_whole_word_mask": options.wholeWordMask,
                        "random_seed": options.seed, "shard_documents": options.shardDocuments] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
