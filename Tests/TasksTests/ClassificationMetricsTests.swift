import XCTest
@testable import Tasks

/// Expected values from scikit-learn 1.7 and SciPy 1.17 (Tools/reference/tasks_metrics_reference.py).
final class ClassificationMetricsTests: XCTestCase {
    let binaryPredicted = [1, 1, 0, 1, 0, 0, 1, 1, 0, 1]
    let binaryGold = [1, 0, 0, 1, 0, 1, 1, 1, 1, 1]

    /// The dev loss `--metric-for-best loss` selects by: −log softmax(logits)[gold], averaged; large logits stay finite.
    func testDevLossIsTheMeanCrossEntropy() {
        XCTAssertEqual(ClassificationMetrics.crossEntropy([[0, 0]], gold: [1]), log(2), accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.crossEntropy([[2, 0], [0, 0, 0]], gold: [0, 2]),
                       (log(1 + exp(-2)) + log(3)) / 2, accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.crossEntropy([[1000, 0]], gold: [1]), 1000, accuracy: 1e-9)
    }

    func testMatthewsCorrelation() {
        XCTAssertEqual(ClassificationMetrics.matthewsCorrelation(predicted: binaryPredicted, gold: binaryGold), 0.3563483225498992, accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.matthewsCorrelation(predicted: [0, 1, 2, 2, 1, 0, 2], gold: [0, 2, 2, 1, 1, 0, 0]), 0.375, accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.matthewsCorrelation(predicted: [1, 1, 1], gold: [0, 1, 1]), 0)
    }

    func testF1AndAccuracy() {
        XCTAssertEqual(ClassificationMetrics.f1(predicted: binaryPredicted, gold: binaryGold), 0.7692307692307693, accuracy: 1e-15)
        XCTAssertEqual(ClassificationMetrics.f1(predicted: [0, 0], gold: [0, 0]), 0)
        XCTAssertEqual(ClassificationMetrics.accuracy(predicted: binaryPredicted, gold: binaryGold), 0.7)
    }

    func testCorrelationsWithTies() {
        let x = [1.0, 2.5, 2.5, 4.0, 0.5, 3.0, 3.0, 3.0], y = [0.8, 2.0, 3.1, 3.9, 1.0, 2.2, 2.9, 3.3]
        XCTAssertEqual(ClassificationMetrics.averageRanks(x), [2, 3.5, 3.5, 8, 1, 6, 6, 6])
        XCTAssertEqual(ClassificationMetrics.pearson(x, y), 0.9083224831681872, accuracy: 1e-14)
        XCTAssertEqual(ClassificationMetrics.spearman(x, y), 0.8224729320348959, accuracy: 1e-14)
        XCTAssertEqual(ClassificationMetrics.pearson([1, 1, 1], [1, 2, 3]), 0)
    }
}
