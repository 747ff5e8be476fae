/// One feature's window onto its example's context: which pieces it holds and which of them it scores
/// (`doc_span`, `token_to_orig_map` and `token_is_max_context` of `run_squad.py`).
public struct SQuADWindow: Sendable, Equatable {
    /// The example (index into ``SQuADDataset/examples``).
    public var example: Int
    /// The window's number within its example (`doc_span_index`).
    public var spanIndex: Int
    /// The window's first context piece.
    public var docStart: Int
    /// How many context pieces it holds.
    public var docLength: Int
    /// The feature position of its first context piece: question pieces + 2 ([CLS] and [SEP]).
    public var docOffset: Int
    /// For each context piece of the window: whether this window gives it the most context on both sides (the
    /// minimum of left and right context, plus 0.01 × window length, largest of all windows holding it).
    public var maxContext: [Bool]

    /// Real tokens in the feature: [CLS], question, [SEP], context window, [SEP].
    public var tokenCount: Int { docOffset + docLength + 1 }

    /// The context piece at a feature position, or `nil` outside the window's context part.
    public func piece(at position: Int) -> Int? {
        let offset = position - docOffset
        return offset >= 0 && offset < docLength ? docStart + offset : nil
    }

    /// Whether a feature position is a context piece for which this window has the maximum context.
    public func isMaxContext(_ position: Int) -> Bool {
        let offset = position - docOffset
        return offset >= 0 && offset < maxContext.count && maxContext[offset]
    }

    /// The windows over `pieceCount` pieces: `maxTokensForDoc` at a time, each starting `min(length, stride)` after
    /// the previous, the last ending at the last piece.
    static func spans(pieceCount: Int, maxTokensForDoc: Int, stride: Int) -> [(start: Int, length: Int)] {
        var spans: [(start: Int, length: Int)] = [], start = 0
        while start < pieceCount {
            let length = min(pieceCount - start, maxTokensForDoc)
            spans.append((start, length))
            if start + length == pieceCount { break }
            start += min(length, stride)
        }
        return spans
    }

    /// `_check_is_max_context`: whether span `current` is the first of the spans with the highest score for piece
    /// `position`.
    static func isMaxContext(spans: [(start: Int, length: Int)], current: Int, position: Int) -> Bool {
        var bestScore = -Double.infinity, best = -1
        for (index, span) in spans.enumerated() {
            let end = span.start + span.length - 1
            guard position >= span.start, position <= end else { continue }
            let score = Double(min(position - span.start, end - position)) + 0.01 * Double(span.length)
            if score > bestScore {
                bestScore = score
                best = index
            }
        }
        return best == current
    }
}
