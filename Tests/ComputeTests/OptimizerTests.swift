import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The global gradient norm, the fused AdamW update (both variants, with clipping) and the fused
/// softmax + cross-entropy + gradient: against double-precision references and between devices.
final class OptimizerTests: XCTestCase {
    func testSumOfSquaresIsDeterministicAndAccumulates() throws {
        var data = TestData(seed: 90)
        let x = data.uniform(300_001)
        let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        var results: [Float] = []
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let xv = try device.uploadAtOffset(x, label: "grads"), out = try device.upload([Float(2)], label: "norm²")
            try device.sumOfSquares(xv, into: out, accumulate: true)
            XCTAssertEqual(Double(try device.readFloats(out)[0]), expected + 2, accuracy: 1e-5 * expected, "on \(device.info)")
            try device.sumOfSquares(xv, into: out, accumulate: false)
            let first = try device.readFloats(out)[0]
            try device.sumOfSquares(xv, into: out, accumulate: false)
            XCTAssertEqual(try device.readFloats(out)[0], first, "bit-identical run to run on \(device.info)")
            results.append(first)
        }
        XCTAssertEqual(Double(results[1]), Double(results[0]), accuracy: 1e-5 * expected)
    }

    /// Reference AdamW step in double precision.
    private func reference(_ p: [Float], _ g: [Float], _ m: [Float], _ v: [Float], _ c: AdamWConfig, norm: Double) -> [[Float]] {
        let clip = c.maxGradNorm > 0 && norm > Double(c.maxGradNorm) ? Double(c.maxGradNorm) / norm : 1
        var outP = p, outM = m, outV = v
        let b1 = Double(c.beta1), b2 = Double(c.beta2), lr = Double(c.learningRate), wd = Double(c.weightDecay)
        for i in p.indices {
            let gi = Double(g[i]) * clip
            let mi = b1 * Double(m[i]) + (1 - b1) * gi, vi = b2 * Double(v[i]) + (1 - b2) * gi * gi
            var pi = Double(p[i])
            if c.biasCorrection {
                pi -= lr * wd * pi
                let c1 = 1 - pow(b1, Double(c.step)), c2 = 1 - pow(b2, Double(c.step))
                pi -= (lr / c1) * mi / (vi.squareRoot() / c2.squareRoot() + Double(c.epsilon))
            } else {
                pi -= lr * (mi / (vi.squareRoot() + Double(c.epsilon)) + wd * pi)
            }
            outP[i] = Float(pi)
            outM[i] = Float(mi)
            outV[i] = Float(vi)
        }
        return [outP, outM, outV]
    }

    func testAdamWBothVariantsWithClippingOnBothDevices() throws {
        var data = TestData(seed: 91)
        let n = 5000
        let p = data.uniform(n), g = data.uniform(n, -0.1, 0.1), m = data.uniform(n, -0.01, 0.01), v = data.uniform(n, 0, 0.001)
        let norm = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let configs = [
            AdamWConfig(learningRate: 2e-5, weightDecay: 0.01, biasCorrection: false, maxGradNorm: 1),   // Google, norm ≈ 4: clipped
            AdamWConfig(learningRate: 1e-3, epsilon: 1e-8, weightDecay: 0.0, biasCorrection: true, step: 3, maxGradNorm: 0),
            AdamWConfig(learningRate: 5e-4, epsilon: 1e-8, weightDecay: 0.1, biasCorrection: true, step: 1, maxGradNorm: 100),
        ]
        XCTAssertGreaterThan(norm, 1, "the first config must clip")
        for config in configs {
            let expected = reference(p, g, m, v, config, norm: norm)
            var perDevice: [[Float]] = []
            for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
                let slice = OptimizerSlice(parameters: try device.uploadAtOffset(p, label: "p"),
                                           gradients: try device.uploadAtOffset(g, label: "g"),
                                           m: try device.uploadAtOffset(m, label: "m"), v: try device.uploadAtOffset(v, label: "v"))
                let normSquared = try device.allocate(1, label: "norm²")
                try device.sumOfSquares(slice.gradients, into: normSquared, accumulate: false)
                try device.adamw(slice, normSquared: normSquared, config: config)
                let got = [try device.readFloats(slice.parameters), try device.readFloats(slice.m), try device.readFloats(slice.v)]
                for (k, name) in ["parameters", "m", "v"].enumerated() {
                    assertClose(got[k], expected[k], atol: 1e-7, rtol: 1e-5, "\(name) \(config) on \(device.info)")
                }
                perDevice.append(got[0])
            }
            assertClose(perDevice[1], perDevice[0], atol: 1e-7, rtol: 1e-6, "opencl vs cpu parameters")
        }
    }

    func testSoftmaxCrossEntropyWithIgnoredRowsWeightsAndAliasing() throws {
        let rows = 6, classes = 1000
        var data = TestData(seed: 92)
        let logits = data.uniform(rows * classes, -5, 5)
        let labels: [Int32] = [3, -1, 999, 0, 500, 1000]   // -1 and 1000 are ignored
        let weights: [Float] = [1, 1, 0.5, 2, 0, 1]
        let scale: Float = 0.25
        var expectedLoss = [Float](repeating: 0, count: rows), expectedGrad = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            let row = logits[(r * classes)..<((r + 1) * classes)].map(Double.init)
            let m = row.max()!, logTotal = log(row.reduce(0) { $0 + exp($1 - m) }) + m
            let label = Int(labels[r]), valid = label >= 0 && label < classes
            let w = valid ? Double(weights[r]) : 0
            expectedLoss[r] = w == 0 ? 0 : Float(w * (logTotal - row[label]))
            for c in 0..<classes {
                expectedGrad[r * classes + c] = Float(w * Double(scale) * (exp(row[c] - logTotal) - (c == label ? 1 : 0)))
            }
        }
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let lv = try device.uploadAtOffset(logits, label: "logits")
            let losses = try device.allocate(rows, label: "losses")
            try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: lv, labels: try device.upload(labels, label: "labels"),
                                                               weights: try device.upload(weights, label: "weights"),
                                                               losses: losses, gradLogits: lv),
                                           rows: rows, classes: classes, scale: scale)
            assertClose(try device.readFloats(losses), expectedLoss, atol: 1e-5, rtol: 1e-5, "losses on \(device.info)")
            assertClose(try device.readFloats(lv), expectedGrad, atol: 1e-7, rtol: 1e-4, "∂/∂logits on \(device.info)")
        }
    }

    func testSquaredError() throws {
        let p: [Float] = [1, 2, -3, 0.5], t: [Float] = [0.5, 2, 1, -0.5]
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let pv = try device.upload(p, label: "p"), losses = try device.allocate(4, label: "l")
            try device.squaredError(predictions: pv, targets: try device.upload(t, label: "t"),
                                    valid: try device.upload([Int32]([0, 0, 0, -1]), label: "valid"), losses: losses,
                                    gradPredictions: pv, scale: 0.25)
            XCTAssertEqual(try device.readFloats(losses), [0.25, 0, 16, 0])
            XCTAssertEqual(try device.readFloats(pv), [0.25, 0, -2, 0])
        }
    }
}
