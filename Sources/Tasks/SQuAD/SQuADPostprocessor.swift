import Tokenizer

/// `write_predictions` of `run_squad.py`: from each window's start and end logits to one answer per question.
///
/// For each question: in every window, the `nBestSize` best start and end positions (ties: the earlier position)
/// are paired; a pair is kept when both lie in the window's context part, the start has its maximum context in
/// this window, the end is not before the start and the answer has at most `maxAnswerLength` pieces. Candidates
/// are ranked by start + end logit (stable), their text projected back onto the context (``FinalText``), repeats
/// dropped, and the first `nBestSize` kept with softmax probabilities. SQuAD 2.0 adds the null answer with the
/// lowest [CLS] score over the windows, and predicts "" when that score exceeds the best non-empty answer's by more
/// than `nullScoreDiffThreshold`. Where `run_squad.py` would fail — a 2.0 question whose only candidate is the null
/// answer — a nonce candidate `"empty"` with logits 0 is put first, as HuggingFace's port does; a question with no
/// candidate at all gets that nonce alone (as in both).
struct SQuADPostprocessor {
    let dataset: SQuADDataset
    let settings: SQuADPostprocessing

    private struct Candidate {
        var window: Int
        var start: Int
        var end: Int
        var startLogit: Double
        var endLogit: Double
        var score: Double { startLogit + endLogit }
    }

    func predictions(_ outputs: [[Float]]) -> SQuADPredictionSet {
        let length = dataset.sequenceLength
        let withNull = dataset.version == .v2_0
        var windowsByExample = [[Int]](repeating: [], count: dataset.examples.count)
        for (index, window) in dataset.windows.enumerated() where windowsByExample.indices.contains(window.example) {
            windowsByExample[window.example].append(index)
        }
        var spellingCache: (paragraph: Int, spellings: [String])?
        var result = SQuADPredictionSet(ids: [], answers: [:], nBest: [:], nullScoreDiffs: withNull ? [:] : nil)
        for (exampleIndex, example) in dataset.examples.enumerated() {
            var candidates: [Candidate] = []
            var nullScore = 1_000_000.0, nullCandidate = Candidate(window: 0, start: 0, end: 0, startLogit: 0, endLogit: 0)
            for featureIndex in windowsByExample[exampleIndex] {
                let window = dataset.windows[featureIndex], row = outputs[featureIndex]
                let starts = Array(row[0..<length]).map(Double.init), ends = Array(row[length..<(2 * length)]).map(Double.init)
                if withNull, starts[0] + ends[0] < nullScore {
                    nullScore = starts[0] + ends[0]
                    nullCandidate = Candidate(window: featureIndex, start: 0, end: 0, startLogit: starts[0], endLogit: ends[0])
                }
                let bestEnds = best(ends)
                for start in best(starts) {
                    for end in bestEnds where isValid(start: start, end: end, window: window) {
                        candidates.append(Candidate(window: featureIndex, start: start, end: end,
                                                    startLogit: starts[start], endLogit: ends[end]))
                    }
                }
            }
            if withNull { candidates.append(nullCandidate) }
            let ranked = candidates.enumerated().sorted { $0.element.score > $1.element.score
                || ($0.element.score == $1.element.score && $0.offset < $1.offset) }.map(\.element)

            // Texts are compared code point by code point, as Python compares strings.
            var seen = Set<[Unicode.Scalar]>(), nBest: [(text: String, startLogit: Double, endLogit: Double)] = []
            for candidate in ranked {
                if nBest.count >= settings.nBestSize { break }
                var text = ""
                if candidate.start > 0 {
                    let window = dataset.windows[candidate.window]
                    guard let first = window.piece(at: candidate.start), let last = window.piece(at: candidate.end) else { continue }
                    text = finalText(paragraph: example.paragraph, start: first, end: last, cache: &spellingCache)
                    if seen.contains(Array(text.unicodeScalars)) { continue }
                }
                seen.insert(Array(text.unicodeScalars))
                nBest.append((text, candidate.startLogit, candidate.endLogit))
            }
            if withNull, !seen.contains([]) { nBest.append(("", nullCandidate.startLogit, nullCandidate.endLogit)) }
            if withNull, !nBest.contains(where: { !$0.text.isEmpty }) { nBest.insert(("empty", 0, 0), at: 0) }
            if nBest.isEmpty { nBest.append(("empty", 0, 0)) }

            let probabilities = Scores.softmax(nBest.map { $0.startLogit + $0.endLogit })
            let candidatesJSON = zip(nBest, probabilities).map {
                SQuADCandidate(text: $0.text, probability: $1, startLogit: $0.startLogit, endLogit: $0.endLogit)
            }
            result.ids.append(example.id)
            result.nBest[example.id] = candidatesJSON
            if withNull, let bestNonNull = nBest.first(where: { !$0.text.isEmpty }) {
                let difference = nullScore - bestNonNull.startLogit - bestNonNull.endLogit
                result.nullScoreDiffs?[example.id] = difference
                result.answers[example.id] = difference > settings.nullScoreDiffThreshold ? "" : bestNonNull.text
            } else {
                result.answers[example.id] = nBest.first?.text ?? ""
            }
        }
        return result
    }

    /// `_get_best_indexes`: the positions of the `nBestSize` largest logits, largest first, ties in position order.
    private func best(_ logits: [Double]) -> [Int] {
        Array(logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(settings.nBestSize))
    }

    private func isValid(start: Int, end: Int, window: SQuADWindow) -> Bool {
        start < window.tokenCount && end < window.tokenCount && window.piece(at: start) != nil && window.piece(at: end) != nil
            && window.isMaxContext(start) && end >= start && end - start + 1 <= settings.maxAnswerLength
    }

    /// The answer text, with the vocabulary spellings of the last paragraph kept (its questions come together).
    private func finalText(paragraph: Int, start: Int, end: Int, cache: inout (paragraph: Int, spellings: [String])?) -> String {
        let pieces = dataset.paragraphPieces[paragraph]
        let spellings = cache?.paragraph == paragraph ? cache?.spellings ?? [] : dataset.tokenizer.tokens(pieces.ids)
        cache = (paragraph, spellings)
        return FinalText(paragraph: dataset.paragraphs[paragraph], pieces: pieces, spellings: spellings,
                         unknownID: dataset.tokenizer.specialIDs.unknown).text(start: start, end: end)
    }
}
