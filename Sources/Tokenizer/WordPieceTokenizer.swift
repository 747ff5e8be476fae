/// BERT's WordPiece tokenizer, identical in its output to HuggingFace's slow `BertTokenizer` or to Google's
/// `tokenization.py` (``TokenizerConfiguration/Compatibility``).
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(modelDirectory: "all-MiniLM-L6-v2")
/// let encoding = tokenizer.encode("How old are you?", "I am six.", options: try EncodingOptions(maxLength: 128))
/// ```
///
/// A tokenizer is immutable and `Sendable`: share one between threads.
public struct WordPieceTokenizer: Sendable {
    /// The vocabulary, id by id.
    public let vocabulary: Vocabulary
    /// The settings in force.
    public let configuration: TokenizerConfiguration
    /// The ids of the special tokens.
    public let specialIDs: SpecialTokenIDs
    private(set) var pipeline: Pipeline
    /// Added tokens by id (HuggingFace), for ``tokens(_:)``.
    private let addedTokens: [Int32: String]

    /// A tokenizer over a vocabulary.
    ///
    /// The unknown, classifier, separator and padding tokens must be in the vocabulary. With
    /// ``TokenizerConfiguration/Compatibility/huggingFace``, a mask, additional special or added token that is
    /// neither in the vocabulary nor given an id gets the next free id, as HuggingFace appends it.
    ///
    /// - Parameters:
    ///   - vocabulary: The tokens, id by id.
    ///   - configuration: The settings.
    ///   - vocabularyName: How errors name the vocabulary (its path, usually).
    /// - Throws: ``TokenizerError/missingToken(path:token:role:)`` when the unknown, classifier, separator or
    ///   padding token is not in the vocabulary; ``TokenizerError/invalidSetting(name:expected:)`` for an
    ///   out-of-range setting.
    public init(vocabulary: Vocabulary, configuration: TokenizerConfiguration, vocabularyName: String = "vocabulary") throws {
        try configuration.validate()
        let huggingFace = configuration.compatibility == .huggingFace
        var addedIDs: [String: Int] = [:]
        if huggingFace { for token in configuration.addedTokens { if let id = token.id { addedIDs[token.content] = id } } }
        var nextID = max(vocabulary.count, (addedIDs.values.max() ?? -1) + 1)
        func id(_ token: String, _ role: String, required: Bool = true) throws -> Int32 {
            if let id = addedIDs[token] ?? vocabulary.id(of: token) { return Int32(id) }
            guard huggingFace, !required else { throw TokenizerError.missingToken(path: vocabularyName, token: token, role: role) }
            addedIDs[token] = nextID
            nextID += 1
            return Int32(nextID - 1)
        }
        let special = configuration.specialTokens
        let unknownID = try id(special.unknown, "unknown token")
        specialIDs = SpecialTokenIDs(unknown: unknownID, classifier: try id(special.classifier, "classifier token"),
                                     separator: try id(special.separator, "separator token"),
                                     padding: try id(special.padding, "padding token"),
                                     mask: huggingFace ? try id(special.mask, "mask token", required: false)
                                                       : vocabulary.id(of: special.mask).map { Int32($0) })
        var resolved = Pipeline.Resolved(specials: [], protectedFromLowercasing: [], protectedWords: [], neverSplit: [])
        if huggingFace {
            var seen = Set<String>()
            for token in special.all where seen.insert(token).inserted {
                let tokenID = try id(token, "special token", required: false)
                resolved.specials.append((token, tokenID))
                resolved.protectedFromLowercasing.append((token, tokenID))
            }
            for token in configuration.addedTokens where seen.insert(token.content).inserted {
                let tokenID = try id(token.content, "added token", required: false)
                resolved.specials.append((token.content, tokenID))
                // HuggingFace keeps only the special-token attributes and non-special normalized added tokens out
                // of its initial lower-casing.
                if !token.isSpecial && token.normalized { resolved.protectedFromLowercasing.append((token.content, tokenID)) }
            }
            resolved.protectedWords = special.all + configuration.neverSplit
            resolved.neverSplit = configuration.neverSplit.map { word in
                (word, (addedIDs[word] ?? vocabulary.id(of: word)).map { Int32($0) } ?? unknownID)
            }
        }
        self.vocabulary = vocabulary
        self.configuration = configuration
        self.addedTokens = Dictionary(addedIDs.map { (Int32($0.value), $0.key) }, uniquingKeysWith: { first, _ in first })
        self.pipeline = Pipeline(table: vocabulary.table, unknownID: unknownID, configuration: configuration, resolved: resolved)
    }

    /// The word pieces of `text` (no [CLS] or [SEP]), with their offsets in `text`.
    public func tokenize(_ text: String) -> TokenizedText {
        var output = TokenizedText()
        pipeline.tokenize(text, scratch: Scratch(), into: &output)
        return output
    }

    /// The word pieces of each text, reusing working memory across the batch (single-threaded).
    public func tokenize(_ texts: [String]) -> [TokenizedText] {
        let scratch = Scratch()
        return texts.map { text in
            var output = TokenizedText()
            pipeline.tokenize(text, scratch: scratch, into: &output)
            return output
        }
    }

    /// Appends the pieces of `text` to `output`, reusing `session`'s working memory; the fastest way to
    /// tokenize many texts on one thread.
    public func tokenize(_ text: String, session: TokenizerSession, into output: inout TokenizedText) {
        pipeline.tokenize(text, scratch: session.scratch, into: &output)
    }

    /// The same tokenizer taking the general path for every chunk (for tests comparing it with the fast path).
    func generalPathOnly() -> WordPieceTokenizer {
        var copy = self
        copy.pipeline.usesFastPath = false
        return copy
    }

    /// Decodes UTF-8 the way Google's `convert_to_unicode` does (`decode("utf-8", "ignore")`): each invalid
    /// sequence becomes U+FFFD, which cleaning then removes, so the tokens are those of the text with the invalid
    /// bytes dropped. Token offsets refer to the returned string.
    public static func decodeUTF8<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The spelling of each id: its added token (HuggingFace), else its vocabulary line; an id that is neither
    /// gives the unknown token's spelling.
    public func tokens(_ ids: [Int32]) -> [String] {
        ids.map { addedTokens[$0] ?? vocabulary.token(for: Int($0)) ?? configuration.specialTokens.unknown }
    }
}

/// Reusable working memory for tokenizing many texts on one thread (not `Sendable`: one per thread).
public final class TokenizerSession {
    let scratch = Scratch()

    /// Fresh working memory.
    public init() {}
}

/// The ids of BERT's special tokens in a vocabulary.
public struct SpecialTokenIDs: Sendable, Equatable {
    /// `[UNK]`.
    public let unknown: Int32
    /// `[CLS]`.
    public let classifier: Int32
    /// `[SEP]`.
    public let separator: Int32
    /// `[PAD]`.
    public let padding: Int32
    /// `[MASK]`, when the vocabulary has it.
    public let mask: Int32?
}
