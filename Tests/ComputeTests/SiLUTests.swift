import Foundation
import TestSupport
import XCTest
@testable import Compute

/// SiLU (`x·σ(x)`, HF `hidden_act: "silu"`), forward and backward: both devices against a double-precision
/// reference, saturated and extreme inputs, backward against finite differences of the forward, `dx` aliasing
/// `dy`, and OpenCL against the C twin at a BERT-Base FFN shape.
final class SiLUTests: XCTestCase {
    private static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    private static func silu(_ x: Double) -> Double { x * sigmoid(x) }
    private static func siluDerivative(_ x: Double) -> Double { let s = sigmoid(x); return s * (1 + x * (1 - s)) }

    func testBothDevicesMatchDoublePrecisionReference() throws {
        var data = TestData(seed: 31)
        let x = data.uniform(20_001, -12, 12) + [0, -0.0, 1e-30, -1e-30, 30, -30, 100, -100, 1e4, -1e4]
        let dy = data.uniform(x.count)
        for device in try TestDevices.both() {
            let xv = try device.uploadAtOffset(x, label: "x"), dyv = try device.upload(dy, label: "dy")
            let out = try device.allocate(x.count, label: "out")
            try device.silu(xv, into: out)
            assertClose(try device.readFloats(out), x.map { Float(Self.silu(Double($0))) }, atol: 1e-6, rtol: 1e-5,
                        "silu on \(device.info)")
            try device.siluBackward(input: xv, gradOutput: dyv, gradInput: out)
            assertClose(try device.readFloats(out), zip(x, dy).map { Float(Double($1) * Self.siluDerivative(Double($0))) },
                        atol: 1e-6, rtol: 1e-5, "silu backward on \(device.info)")
            // dx may alias dy: the in-place backward gives the same values.
            try device.siluBackward(input: xv, gradOutput: dyv, gradInput: dyv)
            XCTAssertEqual(try device.readFloats(dyv), try device.readFloats(out), "in-place backward on \(device.info)")
        }
    }

    func testKnownValuesAndSaturation() throws {
        // PyTorch's F.silu: silu(1) = 0.7310586, silu(−1) = −0.2689414; saturated, the gate is exactly 0 or 1.
        let x: [Float] = [1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 200, -200]
        for device in try TestDevices.both() {
            let xv = try device.upload(x, label: "x"), out = try device.allocate(x.count, label: "out")
            try device.silu(xv, into: out)
            let y = try device.readFloats(out)
            XCTAssertEqual(Array(y[0...1]), [0.731_058_6, -0.268_941_4], accuracy: 1e-6, "silu(±1) on \(device.info)")
            XCTAssertFalse(y.contains { $0.isNaN || $0.isInfinite }, "silu(\(x)) = \(y) on \(device.info)")
            XCTAssertEqual(y[4], 200, "silu(200) on \(device.info)")
            XCTAssertEqual(y[2], .greatestFiniteMagnitude, "silu(max) on \(device.info)")
            XCTAssertEqual([y[3], y[5]].map(abs), [0, 0], "silu(−max), silu(−200) on \(device.info)")
            let ones = try device.upload([Float](repeating: 1, count: x.count), label: "ones")
            try device.siluBackward(input: xv, gradOutput: ones, gradInput: out)
            let g = try device.readFloats(out)
            XCTAssertFalse(g.contains { $0.isNaN }, "silu'(\(x)) = \(g) on \(device.info)")
            XCTAssertEqual(Array(g[2...5]), [1, 0, 1, 0], accuracy: 1e-6, "silu' saturation on \(device.info)")
        }
    }

    func testBackwardDifferentiatesTheForward() throws {
        // Central differences of the device's own float forward, in double: backward and forward must agree.
        let xs = Array(stride(from: -6.0, through: 6.0, by: 0.41)), h = 1e-2
        let cpu = TestDevices.cpu
        let plus = try cpu.upload(xs.map { Float($0 + h) }, label: "x+h"), minus = try cpu.upload(xs.map { Float($0 - h) }, label: "x-h")
        let yPlus = try cpu.allocate(xs.count, label: "y+"), yMinus = try cpu.allocate(xs.count, label: "y-")
        try cpu.silu(plus, into: yPlus)
        try cpu.silu(minus, into: yMinus)
        let xv = try cpu.upload(xs.map { Float($0) }, label: "x"), dx = try cpu.allocate(xs.count, label: "dx")
        try cpu.siluBackward(input: xv, gradOutput: try cpu.upload([Float](repeating: 1, count: xs.count), label: "ones"), gradInput: dx)
        let (up, down, analytic) = (try cpu.readFloats(yPlus), try cpu.readFloats(yMinus), try cpu.readFloats(dx))
        for i in xs.indices {
            XCTAssertEqual(Double(analytic[i]), (Double(up[i]) - Double(down[i])) / (2 * h), accuracy: 2e-4, "silu'(\(xs[i]))")
        }
    }

    func testOpenCLMatchesTheCTwinAtBERTShape() throws {
        let openCL = try TestDevices.openCL(), cpu = TestDevices.cpu
        var data = TestData(seed: 32)
        let n = 2 * 128 * 3072   // [B·S, 4H] of BERT-Base
        let x = data.uniform(n, -8, 8), dy = data.uniform(n)
        var results: [[Float]] = []
        for device in [cpu as any Device, openCL] {
            let xv = try device.uploadAtOffset(x, label: "x"), dyv = try device.uploadAtOffset(dy, label: "dy")
            let y = try device.allocate(n, label: "y"), dx = try device.allocate(n, label: "dx")
            try device.silu(xv, into: y)
            try device.siluBackward(input: xv, gradOutput: dyv, gradInput: dx)
            results.append(try device.readFloats(y) + device.readFloats(dx))
        }
        assertClose(results[1], results[0], atol: 1e-6, rtol: 1e-5, "silu forward and backward, OpenCL vs the C twin")
    }

    func testBadShapesNameTheOp() throws {
        for device in try TestDevices.both() {
            let x = try device.allocate(8, label: "x"), y = try device.allocate(7, label: "y")
            assertComputeError(["silu", "7 elements, expected 8"]) { try device.silu(x, into: y) }
            assertComputeError(["siluBackward", "7 elements, expected 8"]) {
                try device.siluBackward(input: x, gradOutput: x, gradInput: y)
            }
        }
    }
}
