import BERT
import XCTest
@testable import Training

/// Held-out pre-training metrics from the head's per-example rows, and the constant baselines they are read against.
final class PretrainingMetricsTests: XCTestCase {
    func testMetricsWeighTheMaskedPositionsAndAverageTheExamples() {
        // [Σ w·nll, Σ w, Σ w·correct, nsp nll, nsp correct]
        let metrics = PretrainingMetrics.compute([[6, 3, 1, 0.5, 1], [2, 1, 1, 0.7, 0]])
        XCTAssertEqual(metrics["mlm_loss"]!, 2, accuracy: 1e-12)
        XCTAssertEqual(metrics["mlm_accuracy"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(metrics["nsp_loss"]!, 0.6, accuracy: 1e-6)
        XCTAssertEqual(metrics["nsp_accuracy"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(metrics["examples"], 2)
    }

    func testBaselines() {
        func feature(_ labels: [Int32], next: Int32) -> Feature {
            var f = Feature(ids: [1], types: [0], mask: [1])
            f.maskedLabels = labels
            f.maskedWeights = [Float](repeating: 1, count: labels.count)
            f.label = next
            return f
        }
        let features = [feature([7, 7, 3], next: 1), feature([7, 2], next: 1), feature([5], next: 0)]
        XCTAssertEqual(PretrainingMetrics.constantBaseline(features), 3.0 / 6, accuracy: 1e-12, "always 7")
        XCTAssertEqual(PretrainingMetrics.nextSentenceMajority(features), 2.0 / 3, accuracy: 1e-12, "always random")
    }
}
