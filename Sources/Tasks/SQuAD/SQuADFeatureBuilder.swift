import BERT
import Tokenizer
import Training

/// `convert_examples_to_features` of `run_squad.py`: each example becomes one feature per window of its context.
struct SQuADFeatureBuilder {
    let tokenizer: WordPieceTokenizer
    let options: SQuADOptions
    let isTraining: Bool

    /// The features of every example, their windows, and a warning for each example whose context has no pieces
    /// (and therefore no feature).
    func build(examples: [SQuADExample], paragraphs: [ParagraphPieces],
               path: String) throws -> (features: [Feature], windows: [SQuADWindow], warnings: [DataWarning]) {
        let session = TokenizerSession()
        var features: [Feature] = [], windows: [SQuADWindow] = [], warnings: [DataWarning] = []
        for (exampleIndex, example) in examples.enumerated() {
            guard paragraphs.indices.contains(example.paragraph) else {
                throw TaskDataError.invalidQuestion(path: path, questionID: example.id, reason: "its paragraph \(example.paragraph) does not exist")
            }
            let pieces = paragraphs[example.paragraph]
            var query = TokenizedText()
            tokenizer.tokenize(example.question, session: session, into: &query)
            let queryIDs = Array(query.ids.prefix(options.maxQueryLength))
            let answer = isTraining ? answerPieces(example, pieces: pieces, session: session) : nil
            let maxTokensForDoc = options.maxSequenceLength - queryIDs.count - 3
            let spans = SlidingWindows.spans(pieceCount: pieces.count, windowLength: maxTokensForDoc, stride: options.docStride)
            if spans.isEmpty {
                warnings.append(DataWarning(path: path, location: .question(example.id),
                                            message: "the context has no word pieces, so the question has no feature"))
            }
            for (spanIndex, span) in spans.enumerated() {
                let window = SQuADWindow(example: exampleIndex, spanIndex: spanIndex, docStart: span.start, docLength: span.length,
                                         docOffset: queryIDs.count + 2,
                                         maxContext: (0..<span.length).map {
                                             SlidingWindows.isMaxContext(spans: spans, current: spanIndex, position: span.start + $0)
                                         })
                var feature = makeFeature(query: queryIDs, window: window, pieces: pieces)
                if isTraining {
                    let positions = targetPositions(example: example, answer: answer, window: window)
                    feature.start = Int32(positions.start)
                    feature.end = Int32(positions.end)
                }
                features.append(feature)
                windows.append(window)
            }
        }
        return (features, windows, warnings)
    }

    /// [CLS] question [SEP] window [SEP], segment 0 then 1, padded with [PAD] (segment 0, mask 0).
    private func makeFeature(query: [Int32], window: SQuADWindow, pieces: ParagraphPieces) -> Feature {
        let special = tokenizer.specialIDs
        let ids = [special.classifier] + query + [special.separator]
            + pieces.ids[window.docStart..<(window.docStart + window.docLength)] + [special.separator]
        let padding = options.maxSequenceLength - ids.count
        return Feature(ids: ids + [Int32](repeating: special.padding, count: padding),
                       types: [Int32](repeating: 0, count: query.count + 2) + [Int32](repeating: 1, count: window.docLength + 1)
                           + [Int32](repeating: 0, count: padding),
                       mask: [Int32](repeating: 1, count: ids.count) + [Int32](repeating: 0, count: padding))
    }

    /// The answer's pieces (`tok_start_position`, `tok_end_position`) after `_improve_answer_span`.
    private func answerPieces(_ example: SQuADExample, pieces: ParagraphPieces, session: TokenizerSession) -> WordSpan? {
        guard let words = example.answerWords, let text = example.answerText,
              pieces.firstPieces.indices.contains(words.start), words.end < pieces.firstPieces.count else { return nil }
        let start = pieces.firstPieces[words.start]
        let end = words.end + 1 < pieces.firstPieces.count ? pieces.firstPieces[words.end + 1] - 1 : pieces.count - 1
        var answer = TokenizedText()
        tokenizer.tokenize(text, session: session, into: &answer)
        for newStart in stride(from: start, through: end, by: 1) {
            for newEnd in stride(from: end, through: newStart, by: -1) where newEnd < pieces.count {
                if pieces.ids[newStart...newEnd].elementsEqual(answer.ids) { return WordSpan(start: newStart, end: newEnd) }
            }
        }
        return WordSpan(start: start, end: end)
    }

    /// Training targets: the answer's feature positions when the window holds all of it, else 0/0 ([CLS]), as
    /// for unanswerable questions.
    private func targetPositions(example: SQuADExample, answer: WordSpan?, window: SQuADWindow) -> (start: Int, end: Int) {
        guard !example.isImpossible, let answer else { return (0, 0) }
        let windowEnd = window.docStart + window.docLength - 1
        guard answer.start >= window.docStart, answer.end <= windowEnd else { return (0, 0) }
        return (answer.start - window.docStart + window.docOffset, answer.end - window.docStart + window.docOffset)
    }
}
