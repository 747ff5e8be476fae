import Foundation

/// What training steps computed, in the units a user compares: examples and real tokens per second, and how
/// much padding the batches carried — the tokens computed (rows × each batch's run length) against the real
/// ones and against the tokens the same batches would have cost at the run's full length.
public struct Throughput: Sendable, Equatable {
    /// Examples.
    public var samples = 0
    /// Real (unpadded) tokens.
    public var tokens = 0
    /// Tokens computed: Σ rows × the length each batch ran at.
    public var computedTokens = 0
    /// Tokens the same batches would have computed padded to the full length.
    public var fullLengthTokens = 0
    /// Wall-clock seconds of the steps.
    public var seconds: Double = 0

    public init(samples: Int = 0, tokens: Int = 0, computedTokens: Int = 0, fullLengthTokens: Int = 0, seconds: Double = 0) {
        self.samples = samples
        self.tokens = tokens
        self.computedTokens = computedTokens
        self.fullLengthTokens = fullLengthTokens
        self.seconds = seconds
    }

    public mutating func add(_ other: Throughput) {
        samples += other.samples
        tokens += other.tokens
        computedTokens += other.computedTokens
        fullLengthTokens += other.fullLengthTokens
        seconds += other.seconds
    }

    public var samplesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }
    /// Real tokens per second.
    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
    /// The share of computed tokens that were padding.
    public var paddingFraction: Double { computedTokens > 0 ? 1 - Double(tokens) / Double(computedTokens) : 0 }
    /// The share of the full-length work that per-batch lengths did not compute.
    public var savedFraction: Double { fullLengthTokens > 0 ? 1 - Double(computedTokens) / Double(fullLengthTokens) : 0 }

    /// metrics.jsonl's fields.
    public var metrics: [String: Double] {
        ["samples_per_second": samplesPerSecond, "tokens_per_second": tokensPerSecond,
         "computed_tokens": Double(computedTokens), "padding_fraction": paddingFraction, "padding_saved": savedFraction]
    }

    /// "61.3 samples/s, 1658 real tokens/s; padding 12 % of computed tokens, 55 % of the full-length work saved".
    public var summary: String {
        String(format: "%.1f samples/s, %.0f real tokens/s; padding %.0f %% of computed tokens, %.0f %% of the full-length work saved",
               samplesPerSecond, tokensPerSecond, paddingFraction * 100, savedFraction * 100)
    }
}
