import Tokenizer

/// A sentence task's input too long for `max_seq_length` as overlapping windows (`--doc-stride`), each a whole
/// model input: `[CLS] window [SEP]` for one text; for a pair `[CLS] first [SEP] window [SEP]`, the windows sliding
/// over the second text and every window holding the whole first. Windows are ``SlidingWindows`` spans, as SQuAD's.
struct TextWindows {
    let tokenizer: WordPieceTokenizer
    /// `max_seq_length`, padding to it.
    let options: EncodingOptions
    /// Pieces between window starts.
    let stride: Int

    /// The inputs of one example: one when it fits, else one per window.
    ///
    /// - Throws: ``TaskDataError/malformedRow(path:line:reason:)`` when a pair's first text leaves no room for its
    ///   second, naming the text to shorten.
    func encode(first: TokenizedText, second: TokenizedText?, example: TextExample) throws -> [Encoding] {
        let maxLength = options.maxLength ?? Int.max
        let special = second == nil ? 2 : 3
        guard first.count + (second?.count ?? 0) + special > maxLength else {
            return [tokenizer.encode(first: first, second: second, options: options)]
        }
        guard let second else {
            return SlidingWindows.spans(pieceCount: first.count, windowLength: maxLength - special, stride: stride).map {
                tokenizer.encode(first: first.slice($0), second: nil, options: options)
            }
        }
        let room = maxLength - special - first.count
        guard room >= 1 else {
            throw TaskDataError.malformedRow(path: example.path, line: example.line,
                                             reason: "the first text has \(first.count) word pieces, which leaves no room in --max-seq-length "
                                                + "\(maxLength) for the second text that --doc-stride slides windows over; shorten the first text "
                                                + "or raise --max-seq-length above \(first.count + special)")
        }
        return SlidingWindows.spans(pieceCount: second.count, windowLength: room, stride: stride).map {
            tokenizer.encode(first: first, second: second.slice($0), options: options)
        }
    }
}

extension TokenizedText {
    /// The pieces of one window.
    func slice(_ span: SlidingWindows.Span) -> TokenizedText {
        var window = TokenizedText()
        window.ids = Array(ids[span.start..<(span.start + span.length)])
        window.offsets = Array(offsets[span.start..<(span.start + span.length)])
        return window
    }
}
