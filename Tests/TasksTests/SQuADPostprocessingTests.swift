import Foundation
import XCTest
@testable import Tasks

/// Answers, n-best lists, null odds and official scores compared with Google's write_predictions and the official
/// evaluation scripts (Fixtures/squad/expected.json) on synthetic logits computed the same way here and there.
final class SQuADPostprocessingTests: XCTestCase {
    /// Multiples of 0.25 (exact in Float), with many ties; the [CLS] logits depend on the question.
    static func outputs(_ dataset: SQuADDataset) -> [[Float]] {
        dataset.windows.enumerated().map { feature, window in
            var starts = (0..<32).map { Float((feature * 7 + $0 * 13) % 17) * 0.25 - 2 }
            let ends = (0..<32).map { Float((feature * 5 + $0 * 11) % 19) * 0.25 - 2.5 }
            starts[0] = Float((window.example * 3) % 5) + 1
            return starts + [1.5] + ends.dropFirst()
        }
    }

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var dataset = try SQuADFeatureTests.load(name, training: false)
        let outputs = Self.outputs(dataset)
        let runs = try XCTUnwrap(SQuADFeatureTests.expected(name)["postprocessing"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 2)
        for run in runs {
            let settings = try XCTUnwrap(run["settings"] as? [String: Double])
            dataset.postprocessing = SQuADPostprocessing(nBestSize: Int(settings["n_best_size"] ?? 0),
                                                         maxAnswerLength: Int(settings["max_answer_length"] ?? 0),
                                                         nullScoreDiffThreshold: settings["null_score_diff_threshold"] ?? 0)
            let predicted = try dataset.predictionSet(outputs)
            XCTAssertEqual(predicted.answers, run["predictions"] as? [String: String], "\(settings)", file: file, line: line)
            let nBest = try XCTUnwrap(run["nbest"] as? [String: [[String: Any]]])
            for id in predicted.ids {
                let expected = try XCTUnwrap(nBest[id]), actual = try XCTUnwrap(predicted.nBest[id])
                XCTAssertEqual(actual.map(\.text), expected.map { $0["text"] as? String }, "\(id) \(settings)", file: file, line: line)
                for (candidate, reference) in zip(actual, expected) {
                    XCTAssertEqual(candidate.startLogit, reference["start_logit"] as? Double, file: file, line: line)
                    XCTAssertEqual(candidate.endLogit, reference["end_logit"] as? Double, file: file, line: line)
                    XCTAssertEqual(candidate.probability, reference["probability"] as? Double ?? -1, accuracy: 1e-12, file: file, line: line)
                }
            }
            XCTAssertEqual(predicted.nullScoreDiffs, run["null_odds"] as? [String: Double], file: file, line: line)
            let scores = try XCTUnwrap(run["scores"] as? [String: Double])
            let metrics = try dataset.metrics(outputs)
            XCTAssertEqual(Set(metrics.keys), Set(scores.keys), file: file, line: line)
            for (key, value) in scores { XCTAssertEqual(metrics[key] ?? -1, value, accuracy: 1e-9, key, file: file, line: line) }
        }
    }

    func testVersion1MatchesWritePredictionsAndEvaluate11() throws {
        try check("dev-v1.1.json")
    }

    func testVersion2MatchesWritePredictionsAndEvaluate20() throws {
        try check("dev-v2.0.json")
    }

    func testPredictionFilesAreWrittenInDataSetOrder() throws {
        let dataset = try SQuADFeatureTests.load("dev-v2.0.json", training: false)
        let outputs = Self.outputs(dataset)
        let predicted = try dataset.predictionSet(outputs)
        let directory = try Fixtures.temporaryDirectory()
        let written = try predicted.write(to: directory)
        XCTAssertEqual(written.map { URL(fileURLWithPath: $0).lastPathComponent }, ["predictions.json", "nbest_predictions.json", "null_odds.json"])
        let text = try String(contentsOfFile: directory + "/predictions.json", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\n    \"q2-who\": \"was bad, the city was new and the river was great\",\n    \"q2-year\": \"\",\n"), text)
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)), predicted.answers)
        let nBest = try JSONDecoder().decode([String: [SQuADCandidate]].self,
                                            from: Data(contentsOf: URL(fileURLWithPath: directory + "/nbest_predictions.json")))
        XCTAssertEqual(nBest, predicted.nBest)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(),
                       ["nbest_predictions.json", "null_odds.json", "predictions.json"])
        // `bert evaluate` on the written files gives what the metrics function gives.
        let fromFiles = try SQuADEvaluator.evaluate(dataFile: Fixtures.path("squad/dev-v2.0.json"),
                                                    predictionsFile: directory + "/predictions.json",
                                                    noAnswerFile: directory + "/null_odds.json")
        XCTAssertEqual(fromFiles, try dataset.metrics(outputs))
        XCTAssertEqual(try dataset.predictions(outputs).map(\.id), dataset.examples.map(\.id))
        XCTAssertEqual(OrderedJSON.quoted("é\"😀\n"), "\"\\u00e9\\\"\\ud83d\\ude00\\n\"")
    }

    /// Where run_squad.py would fail (no non-null candidate in SQuAD 2.0), a nonce "empty" candidate comes first.
    func testNonceCandidateWhenOnlyTheNullAnswerIsLeft() throws {
        var dataset = try SQuADFeatureTests.load("dev-v2.0.json", training: false)
        dataset.postprocessing = SQuADPostprocessing(maxAnswerLength: 0)
        let predicted = try dataset.predictionSet(Self.outputs(dataset))
        for (index, id) in predicted.ids.enumerated() {
            let null = Double((index * 3) % 5) + 1 + 1.5
            XCTAssertEqual(predicted.nBest[id]?.map(\.text), ["empty", ""])
            XCTAssertEqual(predicted.nullScoreDiffs?[id], null)
            XCTAssertEqual(predicted.answers[id], "")
        }
        var v1 = try SQuADFeatureTests.load("dev-v1.1.json", training: false)
        v1.postprocessing = SQuADPostprocessing(maxAnswerLength: 0)
        let answers = try v1.predictionSet(Self.outputs(v1))
        XCTAssertEqual(Set(answers.answers.values), ["empty"])
        XCTAssertEqual(answers.nBest["q-who"], [SQuADCandidate(text: "empty", probability: 1, startLogit: 0, endLogit: 0)])
    }
}
