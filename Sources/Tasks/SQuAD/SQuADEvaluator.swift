import Foundation

/// One question's gold answers, for evaluation.
public struct SQuADGold: Sendable, Equatable {
    /// The question's id.
    public var id: String
    /// The gold answer texts (empty for an unanswerable question).
    public var answers: [String]

    public init(id: String, answers: [String]) {
        self.id = id
        self.answers = answers
    }
}

/// The official SQuAD evaluation scripts, `evaluate-v1.1.py` and `evaluate-v2.0.py`, as functions.
public enum SQuADEvaluator {
    /// `evaluate-v1.1.py`: `exact_match` and `f1` (percent), each the maximum over the gold answers, averaged over
    /// all questions; a question without a prediction scores 0.
    ///
    /// - Throws: ``TaskDataError/invalidSetting(name:expected:)`` for no questions, or a question without gold
    ///   answers (the script would fail; use the 2.0 evaluation).
    public static func evaluateV1(gold: [SQuADGold], predictions: [String: String]) throws -> [String: Double] {
        guard !gold.isEmpty else { throw TaskDataError.invalidSetting(name: "evaluation data", expected: "at least one question") }
        var exact = 0.0, f1 = 0.0
        for question in gold {
            guard let prediction = predictions[question.id] else { continue }
            guard !question.answers.isEmpty else {
                throw TaskDataError.invalidSetting(name: "evaluation data",
                                                   expected: "gold answers for question \(question.id) (SQuAD 1.1 scoring needs them; use 2.0)")
            }
            exact += question.answers.contains { AnswerNormalization.exactMatch(prediction, $0) } ? 1 : 0
            f1 += question.answers.map { AnswerNormalization.f1V1(prediction, $0) }.max() ?? 0
        }
        let total = Double(gold.count)
        return ["exact_match": 100 * exact / total, "f1": 100 * f1 / total]
    }

    /// `evaluate-v2.0.py`: `exact`, `f1`, `total`, the same for `HasAns_` and `NoAns_` questions, and — when
    /// `noAnswerProbabilities` (the script's `--na-prob-file`, e.g. `null_odds.json`) is given — `best_exact`,
    /// `best_exact_thresh`, `best_f1`, `best_f1_thresh`.
    ///
    /// Gold answers that normalize to nothing are ignored, and a question left with none is answered correctly
    /// only by "". A question whose no-answer probability exceeds `noAnswerThreshold` (the script's
    /// `--na-prob-thresh`, 1.0) counts as predicted unanswerable. Questions with equal no-answer probabilities are
    /// visited in `gold` order when searching the best threshold (the order of the file the script reads).
    ///
    /// - Throws: ``TaskDataError/invalidSetting(name:expected:)`` when no question has a prediction, or — where the
    ///   script would fail — a question lacks a prediction or a no-answer probability.
    public static func evaluateV2(gold: [SQuADGold], predictions: [String: String],
                                  noAnswerProbabilities: [String: Double]? = nil,
                                  noAnswerThreshold: Double = 1.0) throws -> [String: Double] {
        var exactRaw: [String: Double] = [:], f1Raw: [String: Double] = [:], hasAnswer: [String: Bool] = [:]
        for question in gold {
            hasAnswer[question.id] = !question.answers.isEmpty
            guard let prediction = predictions[question.id] else { continue }
            let answers = question.answers.filter { !AnswerNormalization.normalize($0).isEmpty }
            let candidates = answers.isEmpty ? [""] : answers
            exactRaw[question.id] = candidates.contains { AnswerNormalization.exactMatch($0, prediction) } ? 1 : 0
            f1Raw[question.id] = candidates.map { AnswerNormalization.f1V2(prediction, $0) }.max() ?? 0
        }
        guard !exactRaw.isEmpty else {
            throw TaskDataError.invalidSetting(name: "predictions", expected: "a prediction for at least one question")
        }
        let probabilities = noAnswerProbabilities ?? predictions.mapValues { _ in 0 }
        let scored = gold.filter { exactRaw[$0.id] != nil }
        if let missing = scored.first(where: { probabilities[$0.id] == nil }) {
            throw TaskDataError.invalidSetting(name: "no-answer probabilities", expected: "a value for question \(missing.id)")
        }
        func thresholded(_ raw: [String: Double]) -> [String: Double] {
            raw.reduce(into: [:]) { result, entry in
                let predictedUnanswerable = (probabilities[entry.key] ?? 0) > noAnswerThreshold
                result[entry.key] = predictedUnanswerable ? (hasAnswer[entry.key] == true ? 0 : 1) : entry.value
            }
        }
        let exact = thresholded(exactRaw), f1 = thresholded(f1Raw)
        var metrics = summary(exact: exact, f1: f1, ids: scored.map(\.id), prefix: "")
        for (prefix, wanted) in [("HasAns_", true), ("NoAns_", false)] {
            let ids = gold.filter { hasAnswer[$0.id] == wanted }.map(\.id)
            guard !ids.isEmpty else { continue }
            if let missing = ids.first(where: { exact[$0] == nil }) {
                throw TaskDataError.invalidSetting(name: "predictions", expected: "a prediction for question \(missing)")
            }
            metrics.merge(summary(exact: exact, f1: f1, ids: ids, prefix: prefix)) { first, _ in first }
        }
        if noAnswerProbabilities != nil {
            let order = gold.map(\.id).filter { probabilities[$0] != nil }
            let noAnswerCount = gold.filter { hasAnswer[$0.id] == false }.count
            for (name, raw) in [("exact", exactRaw), ("f1", f1Raw)] {
                let best = bestThreshold(raw: raw, predictions: predictions, probabilities: probabilities, order: order,
                                         hasAnswer: hasAnswer, noAnswerCount: noAnswerCount)
                metrics["best_\(name)"] = best.score
                metrics["best_\(name)_thresh"] = best.threshold
            }
        }
        return metrics
    }

    private static func summary(exact: [String: Double], f1: [String: Double], ids: [String], prefix: String) -> [String: Double] {
        let total = Double(ids.count)
        return ["\(prefix)exact": 100 * ids.reduce(0) { $0 + (exact[$1] ?? 0) } / total,
                "\(prefix)f1": 100 * ids.reduce(0) { $0 + (f1[$1] ?? 0) } / total,
                "\(prefix)total": total]
    }

    /// `find_best_thresh`: walking the questions by increasing no-answer probability, the score if every question
    /// up to here is answered and the rest predicted unanswerable; the best score and the probability where it
    /// is reached.
    private static func bestThreshold(raw: [String: Double], predictions: [String: String], probabilities: [String: Double],
                                      order: [String], hasAnswer: [String: Bool], noAnswerCount: Int) -> (score: Double, threshold: Double) {
        let sorted = order.enumerated().sorted {
            let a = probabilities[$0.element] ?? 0, b = probabilities[$1.element] ?? 0
            return a < b || (a == b && $0.offset < $1.offset)
        }.map(\.element)
        var current = Double(noAnswerCount), bestScore = current, bestThreshold = 0.0
        for id in sorted {
            guard let score = raw[id] else { continue }
            let difference: Double
            if hasAnswer[id] == true { difference = score } else { difference = (predictions[id] ?? "").isEmpty ? 0 : -1 }
            current += difference
            if current > bestScore {
                bestScore = current
                bestThreshold = probabilities[id] ?? 0
            }
        }
        return (100 * bestScore / Double(raw.count), bestThreshold)
    }

    /// Scores a predictions file against a SQuAD data file, as the official scripts do from the command line
    /// (`bert evaluate`).
    ///
    /// - Parameters:
    ///   - dataFile: The SQuAD JSON the predictions answer.
    ///   - predictionsFile: `predictions.json` (question id → answer).
    ///   - noAnswerFile: SQuAD 2.0 only: `null_odds.json` or another `--na-prob-file`.
    ///   - version: `nil` reads it from the data file.
    public static func evaluate(dataFile: String, predictionsFile: String, noAnswerFile: String? = nil,
                                version: SQuADVersion? = nil) throws -> [String: Double] {
        let reader = try SQuADReader(path: dataFile, version: version, isTraining: false)
        let gold = reader.examples.map { SQuADGold(id: $0.id, answers: $0.answers.map(\.text)) }
        let predictions = try JSONErrors.decode([String: String].self, path: predictionsFile)
        switch reader.version {
        case .v1_1:
            return try evaluateV1(gold: gold, predictions: predictions)
        case .v2_0:
            let probabilities = try noAnswerFile.map { try JSONErrors.decode([String: Double].self, path: $0) }
            return try evaluateV2(gold: gold, predictions: predictions, noAnswerProbabilities: probabilities)
        }
    }
}
