/// Measures single-threaded tokenization throughput on a corpus, one text at a time.
public struct TokenizerBenchmark: Sendable {
    /// What one measurement found.
    public struct Result: Sendable {
        /// Texts tokenized per repetition.
        public let texts: Int
        /// Word pieces produced per repetition.
        public let tokens: Int
        /// UTF-8 bytes read per repetition.
        public let bytes: Int
        /// Seconds of every repetition, in order.
        public let seconds: [Double]

        /// The median repetition's time.
        public var medianSeconds: Double {
            let sorted = seconds.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        /// Word pieces per second at the median time.
        public var tokensPerSecond: Double { medianSeconds > 0 ? Double(tokens) / medianSeconds : 0 }
        /// Megabytes (10⁶ bytes) of text per second at the median time.
        public var megabytesPerSecond: Double { medianSeconds > 0 ? Double(bytes) / medianSeconds / 1e6 : 0 }
    }

    /// The tokenizer measured.
    public let tokenizer: WordPieceTokenizer
    /// Timed passes over the corpus (after one untimed warm-up pass).
    public let repetitions: Int

    /// - Parameters:
    ///   - tokenizer: The tokenizer to measure.
    ///   - repetitions: Timed passes over the corpus; at least 1.
    public init(tokenizer: WordPieceTokenizer, repetitions: Int) throws {
        guard repetitions >= 1 else { throw TokenizerError.invalidSetting(name: "repetitions", expected: "at least 1, got \(repetitions)") }
        self.tokenizer = tokenizer
        self.repetitions = repetitions
    }

    /// Tokenizes every text (without [CLS]/[SEP]) once to warm up, then `repetitions` times under the clock.
    public func run(on texts: [String]) -> Result {
        let session = TokenizerSession()
        var output = TokenizedText()
        var tokens = 0
        func pass() -> Int {
            var count = 0
            for text in texts {
                output.removeAll()
                tokenizer.tokenize(text, session: session, into: &output)
                count += output.count
            }
            return count
        }
        tokens = pass()
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for _ in 0..<repetitions {
            let elapsed = clock.measure { _ = pass() }
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return Result(texts: texts.count, tokens: tokens, bytes: texts.reduce(0) { $0 + $1.utf8.count }, seconds: seconds)
    }
}
