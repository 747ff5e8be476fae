import Tokenizer

/// What Google's algorithm needs from the vocabulary, as ids: the special tokens, the list it draws random words
/// from, and which ids are "##" continuation pieces (for whole-word masking).
public struct PretrainingVocabulary: Sendable {
    /// The `[CLS]` id.
    public let classifierID: Int32
    /// The `[SEP]` id.
    public let separatorID: Int32
    /// The `[MASK]` id.
    public let maskID: Int32
    /// `list(tokenizer.vocab.keys())` as ids: each distinct token once, in the order of its first line, with
    /// the id Google's `convert_tokens_to_ids` gives it (its last line).
    public let randomWords: [Int32]
    /// One more than the largest id any token can have.
    public let size: Int
    private let continuation: [Bool]

    /// The view of `tokenizer`'s vocabulary.
    ///
    /// - Parameter name: How errors name the vocabulary (its path).
    /// - Throws: ``PretrainingError/missingToken(vocabulary:token:role:)`` when `[MASK]` is not in it.
    public init(tokenizer: WordPieceTokenizer, name: String) throws {
        let vocabulary = tokenizer.vocabulary
        let specials = tokenizer.specialIDs
        guard let mask = specials.mask else {
            throw PretrainingError.missingToken(vocabulary: name, token: tokenizer.configuration.specialTokens.mask, role: "mask token")
        }
        classifierID = specials.classifier
        separatorID = specials.separator
        maskID = mask
        var seen = Set<String>()
        var words: [Int32] = []
        words.reserveCapacity(vocabulary.count)
        for token in vocabulary.tokens where seen.insert(token).inserted {
            if let id = vocabulary.id(of: token) { words.append(Int32(id)) }
        }
        randomWords = words
        let addedMax = tokenizer.configuration.addedTokens.compactMap(\.id).max() ?? -1
        let specialMax = [specials.unknown, specials.classifier, specials.separator, specials.padding, mask].map(Int.init).max() ?? 0
        size = max(vocabulary.count, addedMax + 1, specialMax + 1)
        continuation = (0..<size).map { id in id < vocabulary.count && vocabulary.tokens[id].hasPrefix("##") }
    }

    /// Whether `id` is a "##" piece continuing the previous word.
    public func isContinuation(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < continuation.count && continuation[Int(id)]
    }
}
