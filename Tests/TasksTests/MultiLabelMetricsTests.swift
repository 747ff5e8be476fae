import BERT
import Foundation
import Tokenizer
import XCTest
@testable import Tasks

/// Multi-label scores against scikit-learn (Tools/reference/tasks_metrics_reference.py, zero_division=0).
final class MultiLabelMetricsTests: XCTestCase {
    private let logits: [[Float]] = [[2.0, -1.0, 0.3, -3.0], [-0.5, 1.5, 0.0, -2.0], [1.0, 1.0, -1.0, -1.0],
                                     [-2.0, -0.1, 2.5, -4.0], [0.2, -0.3, -0.7, -0.2], [3.0, 2.0, 1.0, -5.0]]
    private let gold: [[Float]] = [[1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0], [1, 1, 0, 0]]
    private let labels = ["a", "b", "c", "d"]

    func testMatchesScikitLearn() {
        let scores = MultiLabelMetrics(logits: logits, gold: gold, labels: labels)
        XCTAssertEqual(scores.microF1, 0.7368421052631579, accuracy: 1e-12)
        XCTAssertEqual(scores.macroF1, 0.5476190476190476, accuracy: 1e-12)
        XCTAssertEqual(scores.subsetAccuracy, 0.16666666666666666, accuracy: 1e-12)
        XCTAssertEqual(scores.perLabel.map(\.precision), [0.75, 0.6666666666666666, 0.5, 0], accuracy: 1e-12)
        XCTAssertEqual(scores.perLabel.map(\.recall), [1, 0.6666666666666666, 1, 0], accuracy: 1e-12)
        XCTAssertEqual(scores.perLabel.map(\.f1), [0.8571428571428571, 0.6666666666666666, 0.6666666666666666, 0], accuracy: 1e-12)
        XCTAssertEqual(scores.perLabel.map(\.support), [3, 3, 2, 0])
        XCTAssertEqual(scores.perLabel.map(\.label), labels)
        XCTAssertEqual(MultiLabelMetrics(logits: logits, gold: gold, labels: labels, threshold: 0.7).microF1, 0.75, accuracy: 1e-12)
    }

    func testTheLossIsTheMeanBinaryCrossEntropy() {
        // One example, two labels: −log σ(2) and −log(1 − σ(−1)) averaged.
        let scores = MultiLabelMetrics(logits: [[2, -1]], gold: [[1, 0]], labels: ["x", "y"])
        XCTAssertEqual(scores.loss, (log1p(exp(-2.0)) + log1p(exp(-1.0))) / 2, accuracy: 1e-12)
        XCTAssertEqual(scores.subsetAccuracy, 1)
        // Saturated logits stay finite; no example gives zeros, never NaN (eval_results.json is JSON).
        XCTAssertTrue(MultiLabelMetrics(logits: [[1e4, -1e4]], gold: [[0, 1]], labels: ["x", "y"]).loss.isFinite)
        let empty = MultiLabelMetrics(logits: [], gold: [], labels: ["x"])
        XCTAssertEqual([empty.loss, empty.microF1, empty.macroF1, empty.subsetAccuracy], [0, 0, 0, 0])
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}

/// Multi-label text examples as features, metrics and predictions (`TaskHeadKind.multiLabel`).
final class MultiLabelDatasetTests: XCTestCase {
    private func dataset(_ sets: [[String]?]) throws -> TextClassificationDataset {
        let examples = sets.enumerated().map { i, set in
            TextExample(id: "e\(i)", text: "the movie was good", labelSet: set, line: i + 2, path: "train.tsv")
        }
        return try TextClassificationDataset(examples: examples, head: .multiLabel(labels: ["plot", "acting", "music"]),
                                             metricSet: .multiLabel, tokenizer: try Fixtures.tokenizer(), maxSequenceLength: 16)
    }

    func testLabelSetsBecomeIndicatorTargets() throws {
        let data = try dataset([["music", "plot"], [], nil])
        XCTAssertEqual(data.features.map(\.labelSet), [[1, 0, 1], [0, 0, 0], nil])
        XCTAssertEqual((data.head.spec as? SequenceHeadSpec)?.objective, .multiLabel(labels: 3))
        XCTAssertEqual(data.head.outputWidth(sequenceLength: 16), 3)
        XCTAssertEqual(data.primaryMetric, "micro_f1")
    }

    func testAnUnknownLabelNamesTheFileAndLine() throws {
        XCTAssertThrowsError(try dataset([["plot"], ["dialogue"]])) { error in
            XCTAssertTrue("\(error)".contains("train.tsv") && "\(error)".contains("3") && "\(error)".contains("dialogue"), "\(error)")
        }
    }

    func testMetricsAndPredictionsOverTheLabelledRows() throws {
        let data = try dataset([["plot"], ["acting", "music"], nil])
        let outputs: [[Float]] = [[3, -3, -3], [-3, 2, -1], [5, 5, 5]]   // the unlabelled row is not scored
        let metrics = try data.metrics(outputs)
        let expected = MultiLabelMetrics(logits: Array(outputs.prefix(2)), gold: [[1, 0, 0], [0, 1, 1]], labels: data.labels)
        XCTAssertEqual(metrics["micro_f1"], expected.microF1)
        XCTAssertEqual(metrics["subset_accuracy"], 0.5)
        XCTAssertEqual(metrics["f1/music"], 0)
        XCTAssertEqual(metrics["recall/acting"], 1)
        XCTAssertEqual(metrics["loss"], expected.loss)
        let predictions = try data.predictions(outputs)
        XCTAssertEqual(predictions.map(\.labels), [["plot"], ["acting"], ["plot", "acting", "music"]])
        XCTAssertEqual(predictions[0].probabilities?.count, 3)
        XCTAssertNil(predictions[0].label)
    }
}
