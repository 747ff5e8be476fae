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
}
