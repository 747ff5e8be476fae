/// Where a token came from in the original text.
///
/// Offsets are given twice: in UTF-8 bytes (`text.utf8`) and in Unicode scalars (`text.unicodeScalars`, which are
/// Python's string indices — SQuAD's `answer_start` counts these). A token covers every original character its
/// pieces were normalized from: `"Ünïcödé"` lower-cased and stripped of accents still maps back to all seven
/// characters, an unknown word maps to the whole word, and characters removed by cleaning inside a word (a
/// zero-width space, say) are covered by the token around them. Pieces of one normalized character (the jamo
/// of a Hangul syllable, for instance) share that character's span.
public struct TokenOffsets: Sendable, Equatable, Hashable {
    /// Start of the span in UTF-8 bytes.
    public var utf8Start: Int
    /// End of the span in UTF-8 bytes (exclusive).
    public var utf8End: Int
    /// Start of the span in Unicode scalars.
    public var scalarStart: Int
    /// End of the span in Unicode scalars (exclusive).
    public var scalarEnd: Int

    /// - Parameters: byte and scalar bounds, each start not above its end.
    public init(utf8Start: Int, utf8End: Int, scalarStart: Int, scalarEnd: Int) {
        self.utf8Start = utf8Start
        self.utf8End = utf8End
        self.scalarStart = scalarStart
        self.scalarEnd = scalarEnd
    }

    /// The span in UTF-8 bytes.
    public var utf8: Range<Int> { utf8Start..<utf8End }
    /// The span in Unicode scalars (Python string indices).
    public var unicodeScalars: Range<Int> { scalarStart..<scalarEnd }

    /// The span as `String` indices of the text these offsets were made from.
    public func range(in text: String) -> Range<String.Index>? {
        let view = text.utf8
        guard utf8Start >= 0, utf8Start <= utf8End, utf8End <= view.count else { return nil }
        let lower = view.index(view.startIndex, offsetBy: utf8Start)
        let upper = view.index(lower, offsetBy: utf8End - utf8Start)
        return lower..<upper
    }
}

/// The word pieces of one text, without [CLS] or [SEP]: ids and where each came from.
public struct TokenizedText: Sendable, Equatable {
    /// Vocabulary ids, one per piece.
    public var ids: [Int32] = []
    /// The original-text span of each piece (same count as ``ids``).
    public var offsets: [TokenOffsets] = []

    /// An empty result.
    public init() {}

    /// The number of pieces.
    public var count: Int { ids.count }

    @inline(__always)
    mutating func append(_ id: Int32, _ offsets: TokenOffsets) {
        ids.append(id)
        self.offsets.append(offsets)
    }

    mutating func truncate(to count: Int) {
        guard ids.count > count else { return }
        ids.removeLast(ids.count - count)
        offsets.removeLast(offsets.count - count)
    }

    /// Empties the result, keeping its storage for the next text.
    public mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
    }
}
