/// A SQuAD context split into whitespace-separated words the way `run_squad.py` splits it (only space, tab,
/// CR, LF and U+202F separate words), with every character's word.
public struct SQuADParagraph: Sendable {
    /// The context as written.
    public let context: String
    /// The whitespace-separated words (`doc_tokens`).
    public let words: [String]
    /// The scalar offset of each word in the context.
    public let wordStarts: [Int]
    /// For each Unicode scalar of the context, the index of its word (whitespace belongs to the word before it;
    /// −1 before the first word) — `char_to_word_offset`.
    let characterWords: [Int]

    public init(context: String) {
        var words: [String] = [], starts: [Int] = [], characterWords: [Int] = []
        var current = String.UnicodeScalarView(), previousWasSpace = true
        for (offset, scalar) in context.unicodeScalars.enumerated() {
            if Self.isSeparator(scalar) {
                previousWasSpace = true
            } else {
                if previousWasSpace {
                    if !starts.isEmpty { words.append(String(current)) }
                    current = String.UnicodeScalarView()
                    starts.append(offset)
                }
                current.append(scalar)
                previousWasSpace = false
            }
            characterWords.append(starts.count - 1)
        }
        if !starts.isEmpty { words.append(String(current)) }
        self.context = context
        self.words = words
        self.wordStarts = starts
        self.characterWords = characterWords
    }

    /// `run_squad.py`'s `is_whitespace`.
    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0D, 0x0A, 0x202F: return true
        default: return false
        }
    }
}

/// One gold answer: its text and where it starts in the context (in Unicode scalars).
public struct SQuADAnswer: Sendable, Equatable {
    /// The answer as written.
    public var text: String
    /// Its first character in the context, in Unicode scalars (`answer_start`).
    public var start: Int

    public init(text: String, start: Int) {
        self.text = text
        self.start = start
    }
}

/// One SQuAD question about one paragraph.
public struct SQuADExample: Sendable {
    /// The question's id (the key of `predictions.json`).
    public var id: String
    /// The question text.
    public var question: String
    /// The index of its paragraph in ``SQuADDataset/paragraphs``.
    public var paragraph: Int
    /// Every gold answer (several in dev files; none for unanswerable and test questions).
    public var answers: [SQuADAnswer]
    /// SQuAD 2.0: the question has no answer in the paragraph.
    public var isImpossible: Bool
    /// Training only: the answer's first and last word (`start_position`, `end_position`), `nil` when
    /// unanswerable or not training.
    public var answerWords: WordSpan?
    /// Training only: the answer text the span is improved towards (`orig_answer_text`).
    public var answerText: String?
}

/// A span of words or pieces, both ends inclusive.
public struct WordSpan: Sendable, Equatable {
    /// The first index.
    public var start: Int
    /// The last index (inclusive).
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}
