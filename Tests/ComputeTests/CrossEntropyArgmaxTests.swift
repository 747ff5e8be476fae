import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The argmax the fused softmax + cross-entropy writes next to its loss (`CrossEntropyBuffers.predictions`):
/// every row (ignored ones too), the smallest index among ties, at a vocabulary-sized row, with weights — and
/// the loss and gradient unchanged by asking for it.
final class CrossEntropyArgmaxTests: XCTestCase {
    /// The smallest index of each row's largest logit. logits: [rows, classes] → [rows]
    private func argmax(_ logits: [Float], rows: Int, classes: Int) -> [Int32] {
        (0..<rows).map { r in
            let row = logits[(r * classes)..<((r + 1) * classes)]
            return Int32(row.firstIndex(of: row.max()!)! - r * classes)
        }
    }

    /// Runs the loss with predictions on `device`; returns (predictions, losses, dlogits).
    private func run(_ device: any Device, logits: [Float], labels: [Int32], weights: [Float]?, rows: Int,
                     classes: Int) throws -> ([Int32], [Float], [Float]) {
        let lv = try device.uploadAtOffset(logits, label: "logits")                                   // [rows, classes]
        let grads = try device.allocate(rows * classes, label: "dlogits")                             // [rows, classes]
        let losses = try device.allocate(rows, label: "losses")                                       // [rows]
        let predictions = try device.uploadRawAtOffset([Int32](repeating: -7, count: rows), .int32, sentinel: -9,
                                                       label: "predictions")                          // int32 [rows]
        try device.softmaxCrossEntropy(
            CrossEntropyBuffers(logits: lv, labels: try device.upload(labels, label: "labels"),
                                weights: try weights.map { try device.upload($0, label: "weights") }, losses: losses,
                                gradLogits: grads, predictions: predictions),
            rows: rows, classes: classes, scale: 0.5)
        let backing = BufferView(allocation: predictions.allocation, byteOffset: 0, count: rows + 42, dtype: .int32)
        let all = try device.readRaw(backing, as: Int32.self)
        XCTAssertEqual(Set(all[..<37] + all[(37 + rows)...]), [-9], "no stray writes on \(device.info)")
        return (Array(all[37..<(37 + rows)]), try device.readFloats(losses), try device.readFloats(grads))
    }

    func testArgmaxWithTiesIgnoredRowsAndWeightsOnBothDevices() throws {
        let classes = 700, rows = 6
        var data = TestData(seed: 120)
        var logits = data.uniform(rows * classes, -3, 3)
        // Row 0: a tie at 5 and 600 → 5. Row 1: all equal → 0. Row 2: tie at the last two → 698.
        // Row 3: the max at the very end. Row 4: -inf everywhere but one. Row 5: plain.
        logits[5] = 9; logits[600] = 9
        for c in 0..<classes { logits[classes + c] = 1.25 }
        logits[2 * classes + 698] = 4; logits[2 * classes + 699] = 4
        logits[3 * classes + 699] = 10
        for c in 0..<classes { logits[4 * classes + c] = -.infinity }
        logits[4 * classes + 321] = -50
        let labels: [Int32] = [3, -1, 698, 700, 321, 2]   // rows 1 and 3 ignored
        let weights: [Float] = [1, 1, 0.5, 2, 1, 0]
        let expected: [Int32] = [5, 0, 698, 699, 321, argmax(logits, rows: rows, classes: classes)[5]]
        XCTAssertEqual(argmax(logits, rows: rows, classes: classes), expected, "the test's own reference")
        var outputs: [([Int32], [Float], [Float])] = []
        for device in try TestDevices.both() {
            let got = try run(device, logits: logits, labels: labels, weights: weights, rows: rows, classes: classes)
            XCTAssertEqual(got.0, expected, "argmax on \(device.info)")
            // Asking for predictions changes nothing else: the same call without them, same results.
            let lv = try device.upload(logits, label: "logits"), grads = try device.allocate(rows * classes, label: "g")
            let losses = try device.allocate(rows, label: "losses")
            try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: lv, labels: try device.upload(labels, label: "l"),
                                                               weights: try device.upload(weights, label: "w"),
                                                               losses: losses, gradLogits: grads),
                                           rows: rows, classes: classes, scale: 0.5)
            XCTAssertEqual(try device.readFloats(losses), got.1, "losses on \(device.info)")
            XCTAssertEqual(try device.readFloats(grads), got.2, "dlogits on \(device.info)")
            outputs.append(got)
        }
        assertClose(outputs[1].1, outputs[0].1, atol: 1e-5, rtol: 1e-5, "losses OpenCL vs CPU")
    }

    func testArgmaxOverAVocabularyRowOnBothDevices() throws {
        let classes = 30522, rows = 5
        var data = TestData(seed: 121)
        var logits = data.uniform(rows * classes, -8, 8)
        logits[2 * classes + 30521] = 20                       // the last class
        logits[3 * classes + 17] = 20; logits[3 * classes + 29_999] = 20   // a tie far apart
        let labels: [Int32] = [1, -1, 30521, 5, 30000]
        let expected = argmax(logits, rows: rows, classes: classes)
        XCTAssertEqual(expected[2], 30521)
        XCTAssertEqual(expected[3], 17)
        for device in try TestDevices.both() {
            let weighted = try run(device, logits: logits, labels: labels, weights: [1, 2, 0.5, 0, 1], rows: rows,
                                   classes: classes)
            XCTAssertEqual(weighted.0, expected, "weighted, on \(device.info)")
            let plain = try run(device, logits: logits, labels: labels, weights: nil, rows: rows, classes: classes)
            XCTAssertEqual(plain.0, expected, "unweighted, on \(device.info)")
        }
    }

    func testPredictionsMustBeInt32Rows() throws {
        let device = TestDevices.cpu
        let logits = try device.allocate(6, label: "logits"), losses = try device.allocate(2, label: "losses")
        let labels = try device.upload([Int32(0), 1], label: "labels")
        for bad in [try device.allocate(2, label: "float predictions"), try device.allocate(3, .int32, label: "3 predictions")] {
            assertComputeError(["predictions", "int32 [2]"]) {
                try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: logits, labels: labels, losses: losses,
                                                                   gradLogits: logits, predictions: bad),
                                               rows: 2, classes: 3, scale: 1)
            }
        }
    }
}
