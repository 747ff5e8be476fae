import Compute
import Foundation

/// One of the n best answers of a question (an entry of `nbest_predictions.json`).
public struct SQuADCandidate: Codable, Sendable, Equatable {
    /// The answer text (empty for the null answer).
    public var text: String
    /// Softmax of start + end logit over the question's candidates.
    public var probability: Double
    /// The start position's logit.
    public var startLogit: Double
    /// The end position's logit.
    public var endLogit: Double

    public init(text: String, probability: Double, startLogit: Double, endLogit: Double) {
        self.text = text
        self.probability = probability
        self.startLogit = startLogit
        self.endLogit = endLogit
    }

    enum CodingKeys: String, CodingKey {
        case text, probability
        case startLogit = "start_logit"
        case endLogit = "end_logit"
    }
}

/// What `bert predict` writes for one question (one JSON line).
public struct SQuADPrediction: Codable, Sendable, Equatable {
    /// The question's id.
    public var id: String
    /// The predicted answer; empty for "no answer" (SQuAD 2.0).
    public var answer: String
    /// The probability of the best non-empty candidate among the n best.
    public var probability: Double
    /// SQuAD 2.0: null score minus the best answer's score (`null_odds.json`).
    public var nullScoreDiff: Double?

    public init(id: String, answer: String, probability: Double, nullScoreDiff: Double?) {
        self.id = id
        self.answer = answer
        self.probability = probability
        self.nullScoreDiff = nullScoreDiff
    }
}

/// The answers to every question, in data-set order: what `run_squad.py`'s `write_predictions` writes.
public struct SQuADPredictionSet: Sendable {
    /// Question ids in data-set order.
    public var ids: [String]
    /// The answer to each question (`predictions.json`).
    public var answers: [String: String]
    /// The n best candidates of each question (`nbest_predictions.json`).
    public var nBest: [String: [SQuADCandidate]]
    /// SQuAD 2.0: each question's null score minus its best answer's score (`null_odds.json`); `nil` for 1.1.
    public var nullScoreDiffs: [String: Double]?

    /// One record per question for JSON Lines output.
    public var records: [SQuADPrediction] {
        ids.map { id in
            let best = nBest[id]?.first { !$0.text.isEmpty }
            return SQuADPrediction(id: id, answer: answers[id] ?? "", probability: best?.probability ?? 0,
                                   nullScoreDiff: nullScoreDiffs?[id])
        }
    }

    /// Writes `predictions.json`, `nbest_predictions.json` and (SQuAD 2.0) `null_odds.json` into `directory`,
    /// each atomically, in the layout of `run_squad.py` (questions in data-set order, indented by four).
    ///
    /// - Returns: The paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        do {
            try Folders.create(directory)
        } catch let error as FolderError {
            throw TaskDataError.unwritableFile(path: directory, reason: error.reason)
        }
        let base = URL(fileURLWithPath: directory)
        var files: [(String, OrderedJSON)] = [
            ("predictions.json", .object(ids.map { ($0, .string(answers[$0] ?? "")) })),
            ("nbest_predictions.json", .object(ids.map { id in
                (id, .array((nBest[id] ?? []).map { candidate in
                    .object([("text", .string(candidate.text)), ("probability", .number(candidate.probability)),
                             ("start_logit", .number(candidate.startLogit)), ("end_logit", .number(candidate.endLogit))])
                }))
            })),
        ]
        if let diffs = nullScoreDiffs {
            files.append(("null_odds.json", .object(ids.map { ($0, .number(diffs[$0] ?? 0)) })))
        }
        var written: [String] = []
        for (name, json) in files {
            let path = base.appendingPathComponent(name).path
            do {
                try AtomicFile.write(Data(json.text.utf8), to: path)
            } catch {
                throw TaskDataError.unwritableFile(path: path, reason: "\(error)")
            }
            written.append(path)
        }
        return written
    }
}
