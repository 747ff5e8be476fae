import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The multi-label loss (sigmoid + binary cross-entropy + gradient) on both devices against a double-precision
/// reference of PyTorch's `BCEWithLogitsLoss` formula, with extreme logits, padding rows and aliasing.
final class SigmoidCrossEntropyTests: XCTestCase {
    func testMatchesTheDoubleReferenceOnBothDevices() throws {
        let (rows, columns, scale) = (5, 7, Float(0.125))
        var data = TestData(seed: 31)
        var logits = data.uniform(rows * columns, -6, 6)
        logits[0] = 100; logits[1] = -100; logits[2] = 0; logits[3] = 30; logits[4] = -30   // saturation, no overflow
        let targets = (0..<(rows * columns)).map { i -> Float in i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : 0.3 }
        let valid: [Int32] = [0, 0, -1, 0, 0]   // row 2 is padding
        var expectedLoss: [Float] = [], expectedGrad: [Float] = []
        for i in 0..<(rows * columns) {
            let (x, t) = (Double(logits[i]), Double(targets[i]))
            let kept = valid[i / columns] >= 0
            expectedLoss.append(kept ? Float(max(x, 0) - x * t + log1p(exp(-abs(x)))) : 0)
            expectedGrad.append(kept ? Float(Double(scale) * (1 / (1 + exp(-x)) - t)) : 0)
        }
        for device in try TestDevices.both() {
            let x = try device.uploadAtOffset(logits, label: "logits")   // the gradient overwrites the logits
            let losses = try device.allocate(rows * columns, label: "losses")
            try device.sigmoidCrossEntropy(logits: x, targets: try device.upload(targets, label: "targets"),
                                           valid: try device.upload(valid, label: "valid"), losses: losses, gradLogits: x,
                                           rows: rows, columns: columns, scale: scale)
            let loss = try device.readFloats(losses), grad = try device.readFloats(x)
            XCTAssertTrue(loss.allSatisfy(\.isFinite) && grad.allSatisfy(\.isFinite), "\(device.info)")
            assertClose(loss, expectedLoss, atol: 1e-6, rtol: 1e-5, "losses on \(device.info)")
            assertClose(grad, expectedGrad, atol: 1e-7, rtol: 1e-5, "∂/∂logits on \(device.info)")
        }
    }

    func testBadShapesAreErrorsNamingTheBuffer() throws {
        for device in try TestDevices.both() {
            let x = try device.allocate(6, label: "logits"), out = try device.allocate(6, label: "out")
            assertComputeError(["sigmoidCrossEntropy", "valid must be int32 [2]"]) {
                try device.sigmoidCrossEntropy(logits: x, targets: x, valid: x, losses: out, gradLogits: out, rows: 2,
                                               columns: 3, scale: 1)
            }
            assertComputeError(["sigmoidCrossEntropy", "targets"]) {
                try device.sigmoidCrossEntropy(logits: x, targets: try device.allocate(5, label: "targets"),
                                               valid: try device.upload([Int32](repeating: 0, count: 2), label: "valid"),
                                               losses: out, gradLogits: out, rows: 2, columns: 3, scale: 1)
            }
        }
    }
}
