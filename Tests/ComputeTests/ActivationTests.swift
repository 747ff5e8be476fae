import TestSupport
import XCTest
@testable import Compute

/// GELU in both forms: CPU against a double-precision reference and finite differences; OpenCL against the
/// CPU twin at a BERT-Base FFN shape.
final class ActivationTests: XCTestCase {
    func testCPUGELUMatchesDoublePrecisionReference() throws {
        var data = TestData(seed: 10)
        let x = data.uniform(20_000, -8, 8) + [0, -0.0, 1e-30, -1e-30, 30, -30, 1e4, -1e4]
        let dy = data.uniform(x.count)
        let cpu = TestDevices.cpu
        let xv = try cpu.upload(x, label: "x"), dyv = try cpu.upload(dy, label: "dy")
        let out = try cpu.allocate(x.count, label: "out")
        for kind in GELUKind.allCases {
            try cpu.gelu(xv, into: out, kind: kind)
            assertClose(try cpu.readFloats(out), x.map { Float(Reference.gelu(Double($0), kind)) },
                        atol: 1e-6, rtol: 1e-5, "gelu \(kind)")
            try cpu.geluBackward(input: xv, gradOutput: dyv, gradInput: out, kind: kind)
            assertClose(try cpu.readFloats(out),
                        zip(x, dy).map { Float(Double($1) * Reference.geluDerivative(Double($0), kind)) },
                        atol: 2e-6, rtol: 1e-5, "gelu \(kind) backward")
        }
    }

    func testGELUBackwardMatchesFiniteDifferences() throws {
        // Central differences of the float forward in double: checks that backward differentiates forward.
        let xs = Array(stride(from: -5.0, through: 5.0, by: 0.37))
        for kind in GELUKind.allCases {
            let analytic = try cpuGELU(xs.map { Float($0) }, kind, derivative: true)
            for (x, value) in zip(xs, analytic) {
                let h = 1e-3
                let numeric = (Reference.gelu(x + h, kind) - Reference.gelu(x - h, kind)) / (2 * h)
                XCTAssertEqual(Double(value), numeric, accuracy: 1e-4, "gelu \(kind)'(\(x))")
            }
        }
    }

    func testGELUTanhIsGooglesApproximationNotErf() throws {
        // The two forms differ by ~1e-3 near |x| ≈ 2: a mix-up between them must be visible.
        let x: Float = 2
        let erfValue = try cpuGELU([x], .erf)[0], tanhValue = try cpuGELU([x], .tanh)[0]
        XCTAssertEqual(Double(erfValue), 1.954_499_7, accuracy: 1e-6)
        XCTAssertEqual(Double(tanhValue), 1.954_597_7, accuracy: 1e-6)
    }

    /// gelu(x) or gelu'(x) on the CPU backend.
    private func cpuGELU(_ x: [Float], _ kind: GELUKind, derivative: Bool = false) throws -> [Float] {
        let cpu = TestDevices.cpu
        let xv = try cpu.upload(x, label: "x"), out = try cpu.allocate(x.count, label: "out")
        if derivative {
            let ones = try cpu.upload([Float](repeating: 1, count: x.count), label: "ones")
            try cpu.geluBackward(input: xv, gradOutput: ones, gradInput: out, kind: kind)
        } else {
            try cpu.gelu(xv, into: out, kind: kind)
        }
        return try cpu.readFloats(out)
    }

    func testNoNaNAtExtremeInputs() throws {
        let x: [Float] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e20, -1e20, 88, -88, 0]
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let xv = try device.upload(x, label: "x"), out = try device.allocate(x.count, label: "out")
            let ones = try device.upload([Float](repeating: 1, count: x.count), label: "ones")
            for kind in GELUKind.allCases {
                try device.gelu(xv, into: out, kind: kind)
                let y = try device.readFloats(out)
                XCTAssertFalse(y.contains { $0.isNaN }, "gelu \(kind) NaN on \(device.info): \(y)")
                XCTAssertEqual(y[1], -0.0, "gelu(-max) on \(device.info)")
                try device.geluBackward(input: xv, gradOutput: ones, gradInput: out, kind: kind)
                let g = try device.readFloats(out)
                XCTAssertEqual(Array(g[2...5]), [1, 0, 1, 0], accuracy: 1e-6, "gelu' saturation on \(device.info)")
            }
        }
    }

    func testOpenCLGELUMatchesCPUTwinAtBERTShape() throws {
        // [B·S, 4H] = [2·128, 3072]: the FFN intermediate of BERT-Base.
        let openCL = try TestDevices.openCL(), cpu = TestDevices.cpu
        var data = TestData(seed: 11)
        let n = 2 * 128 * 3072
        let x = data.uniform(n, -6, 6), dy = data.uniform(n)
        for kind in GELUKind.allCases {
            var outputs: [[Float]] = []
            var grads: [[Float]] = []
            for device in [cpu as any Device, openCL] {
                let xv = try device.uploadAtOffset(x, label: "x"), dyv = try device.uploadAtOffset(dy, label: "dy")
                let y = try device.allocate(n, label: "y"), dx = try device.allocate(n, label: "dx")
                try device.gelu(xv, into: y, kind: kind)
                try device.geluBackward(input: xv, gradOutput: dyv, gradInput: dx, kind: kind)
                outputs.append(try device.readFloats(y))
                grads.append(try device.readFloats(dx))
            }
            assertClose(outputs[1], outputs[0], atol: 1e-6, rtol: 1e-5, "gelu \(kind) opencl vs cpu")
            assertClose(grads[1], grads[0], atol: 1e-6, rtol: 1e-5, "gelu \(kind) backward opencl vs cpu")
        }
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, _ message: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    for (x, y) in zip(a, b) where !(abs(x - y) <= accuracy) {
        XCTFail("\(message): \(a) vs \(b)", file: file, line: line)
        return
    }
}

/// The FFN's fused bias + GELU, the pooler's tanh and the [CLS]-row gather, on both devices.
final class FusedActivationTests: XCTestCase {
    func testBiasGELUTanhAndCopyRows() throws {
        let (rows, columns) = (64, 96)
        var data = TestData(seed: 12)
        let x = data.uniform(rows * columns, -4, 4), bias = data.uniform(columns), dy = data.uniform(rows * columns)
        var results: [[Float]] = []
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            var out: [Float] = []
            for kind in GELUKind.allCases {
                let xv = try device.uploadAtOffset(x, label: "x"), y = try device.allocate(x.count, label: "y")
                try device.biasGELU(xv, bias: try device.upload(bias, label: "b"), into: y, rows: rows, columns: columns, kind: kind)
                let pre = try device.readFloats(xv)
                XCTAssertEqual(pre, (0..<x.count).map { x[$0] + bias[$0 % columns] }, "pre-activation kept")
                assertClose(try device.readFloats(y), pre.map { Float(Reference.gelu(Double($0), kind)) },
                            atol: 1e-6, rtol: 1e-5, "bias+gelu \(kind) on \(device.info)")
                out += try device.readFloats(y)
            }
            let xv = try device.upload(x, label: "x"), y = try device.allocate(x.count, label: "tanh")
            try device.tanh(xv, into: y)
            let t = try device.readFloats(y)
            assertClose(t, x.map { Float(Foundation.tanh(Double($0))) }, atol: 1e-6, rtol: 1e-5, "tanh on \(device.info)")
            let dx = try device.allocate(x.count, label: "dx")
            try device.tanhBackward(output: y, gradOutput: try device.upload(dy, label: "dy"), gradInput: dx)
            assertClose(try device.readFloats(dx), zip(t, dy).map { $1 * (1 - $0 * $0) }, atol: 1e-7, rtol: 1e-6,
                        "tanh backward on \(device.info)")
            out += t
            // [CLS] rows of [B=4, S=16, H=96] → [4, 96].
            let cls = try device.allocate(4 * columns, label: "cls")
            try device.copyRows(xv, stride: 16 * columns, into: cls, stride: columns, rows: 4, columns: columns)
            XCTAssertEqual(try device.readFloats(cls), (0..<4).flatMap { b in x[(b * 16 * columns)..<(b * 16 * columns + columns)] })
            assertComputeError(["cannot hold 5 rows"]) {
                try device.copyRows(xv, stride: 16 * columns, into: cls, stride: columns, rows: 5, columns: columns)
            }
            results.append(out)
        }
        assertClose(results[1], results[0], atol: 1e-6, rtol: 1e-5, "opencl vs cpu")
    }
}
