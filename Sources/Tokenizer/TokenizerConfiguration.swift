/// How text becomes word pieces: the settings of a BERT tokenizer.
///
/// Two reference behaviours exist and differ in small ways; ``Compatibility`` picks one. A HuggingFace model
/// directory is read with ``Compatibility/huggingFace`` (the reference is HuggingFace's slow `BertTokenizer`); a
/// bare Google vocabulary with ``Compatibility/google`` (the reference is Google's `tokenization.py`).
public struct TokenizerConfiguration: Sendable, Equatable {
    /// Which reference implementation the tokenizer reproduces exactly.
    ///
    /// The differences (everything else is identical):
    ///
    /// | | `huggingFace` (slow `BertTokenizer`) | `google` (`tokenization.py`) |
    /// |---|---|---|
    /// | special and added tokens written in the text | kept whole | split like any text |
    /// | characters removed as control characters | every category C* (Cc, Cf, Co, Cn, Cs) | Cc and Cf |
    /// | Unicode normalization before splitting | NFC | none |
    /// | lower-casing | per character, before everything else (no final-sigma rule) | per word (Σ at a word end → ς) |
    /// | default ``maxInputCharactersPerWord`` | 100 | 200 |
    /// | vocabulary lines | split at `\n`, `\r\n` or `\r`; nothing else stripped | split at `\n`; surrounding whitespace stripped |
    public enum Compatibility: String, Sendable, Equatable, CaseIterable {
        /// HuggingFace transformers' slow `BertTokenizer` (4.x), the reference for HuggingFace model directories.
        case huggingFace
        /// Google's `tokenization.py` (google-research/bert), the reference for Google checkpoints.
        case google

        /// The word-length limit of the reference: longer words become the unknown token.
        public var defaultMaxInputCharactersPerWord: Int {
            switch self {
            case .huggingFace: return 100
            case .google: return 200
            }
        }
    }

    /// The reference behaviour reproduced.
    public var compatibility: Compatibility
    /// Lower-case the text (uncased models).
    public var lowercase: Bool
    /// Remove accents (NFD, then drop category Mn). `nil` follows ``lowercase``, as both references do by default.
    public var stripAccents: Bool?
    /// Put spaces around CJK ideographs so that each becomes its own word.
    public var tokenizeChineseCharacters: Bool
    /// Words with more Unicode scalars than this (after normalization) become the unknown token.
    public var maxInputCharactersPerWord: Int
    /// The special tokens: their spellings, and which are recognised when written in the text.
    public var specialTokens: SpecialTokens
    /// Additional tokens recognised whole in the text (HuggingFace `added_tokens_decoder`; ignored by `google`).
    public var addedTokens: [AddedToken]
    /// Words that are never lower-cased or split and are looked up whole (HuggingFace `never_split`).
    public var neverSplit: [String]

    /// Whether accents are removed once ``stripAccents`` and ``lowercase`` are combined.
    public var stripsAccents: Bool { stripAccents ?? lowercase }

    /// A configuration with the reference defaults for `compatibility`.
    ///
    /// - Parameters:
    ///   - compatibility: The reference implementation to reproduce.
    ///   - lowercase: `true` for uncased models.
    public init(compatibility: Compatibility, lowercase: Bool) {
        self.compatibility = compatibility
        self.lowercase = lowercase
        self.stripAccents = nil
        self.tokenizeChineseCharacters = true
        self.maxInputCharactersPerWord = compatibility.defaultMaxInputCharactersPerWord
        self.specialTokens = SpecialTokens()
        self.addedTokens = []
        self.neverSplit = []
    }

    /// Checks the settings that have a range.
    func validate() throws {
        guard maxInputCharactersPerWord >= 1 else {
            throw TokenizerError.invalidSetting(name: "maxInputCharactersPerWord",
                                                expected: "at least 1, got \(maxInputCharactersPerWord)")
        }
        for token in specialTokens.all + addedTokens.map(\.content) + neverSplit where token.isEmpty {
            throw TokenizerError.invalidSetting(name: "special, added and never-split tokens", expected: "non-empty strings")
        }
    }
}

/// The spellings of BERT's special tokens.
public struct SpecialTokens: Sendable, Equatable {
    /// Stands for a word the vocabulary cannot spell.
    public var unknown: String = "[UNK]"
    /// Starts every input.
    public var classifier: String = "[CLS]"
    /// Ends each segment.
    public var separator: String = "[SEP]"
    /// Fills an input up to its fixed length.
    public var padding: String = "[PAD]"
    /// Replaces a word to be predicted in masked-language-model training.
    public var mask: String = "[MASK]"
    /// Further special tokens (HuggingFace `additional_special_tokens`).
    public var additional: [String] = []

    /// The BERT defaults: `[UNK]`, `[CLS]`, `[SEP]`, `[PAD]`, `[MASK]`.
    public init() {}

    /// Every special token, in HuggingFace's `all_special_tokens` order (unknown, separator, padding,
    /// classifier, mask, then the additional ones), without repeats.
    public var all: [String] {
        var seen = Set<String>()
        return ([unknown, separator, padding, classifier, mask] + additional).filter { seen.insert($0).inserted }
    }
}

/// A token that HuggingFace's tokenizer finds whole in the text before any other processing.
public struct AddedToken: Sendable, Equatable {
    /// The exact text of the token.
    public var content: String
    /// Whether it is a special token (special tokens are never lower-cased).
    public var isSpecial: Bool
    /// For a non-special token: whether the text is lower-cased before it is looked for (HuggingFace
    /// `normalized`; a normalized token is protected from lower-casing, an unnormalized one is not).
    public var normalized: Bool
    /// Its id, when it differs from (or is absent from) the vocabulary file.
    public var id: Int?

    /// - Parameters:
    ///   - content: The exact text of the token.
    ///   - isSpecial: Whether it is a special token.
    ///   - normalized: HuggingFace's `normalized` flag; `nil` means `!isSpecial`, HuggingFace's default.
    ///   - id: Its id when it is not (or not only) a line of the vocabulary file.
    public init(content: String, isSpecial: Bool = false, normalized: Bool? = nil, id: Int? = nil) {
        self.content = content
        self.isSpecial = isSpecial
        self.normalized = normalized ?? !isSpecial
        self.id = id
    }
}
