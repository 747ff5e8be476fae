/// How SQuAD examples become features, with `run_squad.py`'s defaults.
public struct SQuADOptions: Sendable, Equatable {
    /// The padded length of every feature (384).
    public var maxSequenceLength: Int
    /// How far each window of the context moves (128 pieces).
    public var docStride: Int
    /// The question is cut to this many pieces (64).
    public var maxQueryLength: Int
    /// The SQuAD version; `nil` reads it from the file.
    public var version: SQuADVersion?

    public init(maxSequenceLength: Int = 384, docStride: Int = 128, maxQueryLength: Int = 64, version: SQuADVersion? = nil) {
        self.maxSequenceLength = maxSequenceLength
        self.docStride = docStride
        self.maxQueryLength = maxQueryLength
        self.version = version
    }

    /// Throws unless every window has room for at least one context piece after the longest question.
    func validate() throws {
        guard maxQueryLength >= 1 else {
            throw TaskDataError.invalidSetting(name: "--max-query-length", expected: "at least 1, got \(maxQueryLength)")
        }
        guard docStride >= 1 else { throw TaskDataError.invalidSetting(name: "--doc-stride", expected: "at least 1, got \(docStride)") }
        guard maxSequenceLength >= maxQueryLength + 4 else {
            throw TaskDataError.invalidSetting(name: "--max-seq-length",
                                               expected: "at least --max-query-length + 4 = \(maxQueryLength + 4) ([CLS], the question, two [SEP] and one context piece), got \(maxSequenceLength)")
        }
    }
}

/// How SQuAD outputs become answers, with `run_squad.py`'s defaults.
public struct SQuADPostprocessing: Sendable, Equatable {
    /// How many start and end positions (each) are considered per window, and how many answers are kept (20).
    public var nBestSize: Int
    /// The longest answer in pieces (30).
    public var maxAnswerLength: Int
    /// SQuAD 2.0: predict no answer when the null score exceeds the best answer's score by more than this (0).
    public var nullScoreDiffThreshold: Double

    public init(nBestSize: Int = 20, maxAnswerLength: Int = 30, nullScoreDiffThreshold: Double = 0) {
        self.nBestSize = nBestSize
        self.maxAnswerLength = maxAnswerLength
        self.nullScoreDiffThreshold = nullScoreDiffThreshold
    }
}
