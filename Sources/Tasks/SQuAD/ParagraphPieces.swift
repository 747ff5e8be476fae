import Tokenizer

/// A paragraph's words tokenized one by one, as `convert_examples_to_features` does: every piece with its word
/// and its place in the context.
struct ParagraphPieces: Sendable {
    /// The pieces of all words in order (`all_doc_tokens`).
    var ids: [Int32] = []
    /// Each piece's word (`tok_to_orig_index`).
    var words: [Int] = []
    /// Each word's first piece (`orig_to_tok_index`; a word without pieces points at the next word's first).
    var firstPieces: [Int] = []
    /// Each piece's span in the context, in Unicode scalars.
    var scalarStarts: [Int] = []
    var scalarEnds: [Int] = []

    init(_ paragraph: SQuADParagraph, tokenizer: WordPieceTokenizer, session: TokenizerSession) {
        var pieces = TokenizedText()
        for (index, word) in paragraph.words.enumerated() {
            firstPieces.append(ids.count)
            pieces.ids.removeAll(keepingCapacity: true)
            pieces.offsets.removeAll(keepingCapacity: true)
            tokenizer.tokenize(word, session: session, into: &pieces)
            let start = paragraph.wordStarts[index]
            for (id, offsets) in zip(pieces.ids, pieces.offsets) {
                ids.append(id)
                words.append(index)
                scalarStarts.append(start + offsets.scalarStart)
                scalarEnds.append(start + offsets.scalarEnd)
            }
        }
    }

    var count: Int { ids.count }
}
