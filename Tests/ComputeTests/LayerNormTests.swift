import TestSupport
import XCTest
@testable import Compute

/// Fused (dropout +) residual + LayerNorm: CPU against a double-precision reference and finite differences,
/// OpenCL against the CPU twin at BERT-Base width.
final class LayerNormTests: XCTestCase {
    /// Double-precision LayerNorm of v: [rows, columns]; returns output, mean, rstd.
    private func reference(_ v: [Float], gamma: [Float], beta: [Float], rows: Int, columns: Int, eps: Double = 1e-12)
        -> (out: [Double], mean: [Double], rstd: [Double]) {
        var out = [Double](repeating: 0, count: v.count), means: [Double] = [], rstds: [Double] = []
        for r in 0..<rows {
            let row = v[(r * columns)..<((r + 1) * columns)].map(Double.init)
            let mean = row.reduce(0, +) / Double(columns)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(columns)
            let rstd = 1 / (variance + eps).squareRoot()
            for c in 0..<columns {
                out[r * columns + c] = (row[c] - mean) * rstd * Double(gamma[c]) + Double(beta[c])
            }
            means.append(mean)
            rstds.append(rstd)
        }
        return (out, means, rstds)
    }

    private struct Case {
        let rows: Int, columns: Int
        let input: [Float], residual: [Float], gamma: [Float], beta: [Float], dout: [Float]
        init(rows: Int, columns: Int, seed: UInt64) {
            var data = TestData(seed: seed)
            self.rows = rows
            self.columns = columns
            input = data.uniform(rows * columns, -2, 2)
            residual = data.uniform(rows * columns, -2, 2)
            gamma = data.uniform(columns, 0.5, 1.5)
            beta = data.uniform(columns, -0.5, 0.5)
            dout = data.uniform(rows * columns)
        }
    }

    /// Runs forward then backward on `device`; returns (out, sum, mean, rstd, dv, dgamma, dbeta) as arrays.
    private func run(_ device: any Device, _ t: Case, dropout: DropoutConfig?) throws -> [[Float]] {
        let shape = LayerNormShape(rows: t.rows, columns: t.columns)
        let n = t.rows * t.columns
        let input = try device.uploadAtOffset(t.input, label: "input")
        let residual = try device.uploadAtOffset(t.residual, label: "residual")
        let gamma = try device.uploadAtOffset(t.gamma, label: "gamma"), beta = try device.uploadAtOffset(t.beta, label: "beta")
        let sum = try device.allocate(n, label: "sum"), out = try device.allocate(n, label: "out")
        let mean = try device.allocate(t.rows, label: "mean"), rstd = try device.allocate(t.rows, label: "rstd")
        try device.layerNorm(LayerNormForward(input: input, residual: residual, dropout: dropout, sum: sum, gamma: gamma,
                                              beta: beta, output: out, mean: mean, rstd: rstd), shape: shape)
        let dout = try device.uploadAtOffset(t.dout, label: "dout")
        let dgamma = try device.upload([Float](repeating: 1, count: t.columns), label: "dgamma")   // accumulates onto 1
        let dbeta = try device.upload([Float](repeating: 1, count: t.columns), label: "dbeta")
        try device.layerNormBackward(LayerNormBackward(gradOutput: dout, input: sum, mean: mean, rstd: rstd, gamma: gamma,
                                                       gradInput: dout, gradGamma: dgamma, gradBeta: dbeta), shape: shape)
        return try [out, sum, mean, rstd, dout, dgamma, dbeta].map { try device.readFloats($0) }
    }

    func testCPUForwardAndBackwardMatchDoublePrecision() throws {
        let t = Case(rows: 7, columns: 96, seed: 60)
        let r = try run(TestDevices.cpu, t, dropout: nil)
        let v = zip(t.input, t.residual).map(+)
        XCTAssertEqual(r[1], v, "sum = input + residual")
        let ref = reference(v, gamma: t.gamma, beta: t.beta, rows: t.rows, columns: t.columns)
        assertClose(r[0], ref.out.map(Float.init), atol: 1e-5, rtol: 1e-5, "output")
        assertClose(r[2], ref.mean.map(Float.init), atol: 1e-6, rtol: 1e-5, "mean")
        assertClose(r[3], ref.rstd.map(Float.init), atol: 1e-6, rtol: 1e-5, "rstd")

        // Gradients of L = Σ dout · out by central differences in double precision.
        let h = 1e-4
        var numericDV: [Float] = []
        for i in 0..<v.count {
            var plus = v, minus = v
            plus[i] += Float(h)
            minus[i] -= Float(h)
            let lp = zip(reference(plus, gamma: t.gamma, beta: t.beta, rows: t.rows, columns: t.columns).out, t.dout)
                .reduce(0.0) { $0 + $1.0 * Double($1.1) }
            let lm = zip(reference(minus, gamma: t.gamma, beta: t.beta, rows: t.rows, columns: t.columns).out, t.dout)
                .reduce(0.0) { $0 + $1.0 * Double($1.1) }
            numericDV.append(Float((lp - lm) / (Double(plus[i]) - Double(minus[i]))))
        }
        assertClose(r[4], numericDV, atol: 2e-3, rtol: 2e-3, "dv by finite differences")
        let xhat = (0..<v.count).map { (Double(v[$0]) - ref.mean[$0 / t.columns]) * ref.rstd[$0 / t.columns] }
        let dgamma = (0..<t.columns).map { c in 1 + (0..<t.rows).reduce(0.0) { $0 + Double(t.dout[$1 * t.columns + c]) * xhat[$1 * t.columns + c] } }
        let dbeta = (0..<t.columns).map { c in 1 + (0..<t.rows).reduce(0.0) { $0 + Double(t.dout[$1 * t.columns + c]) } }
        assertClose(r[5], dgamma.map(Float.init), atol: 1e-5, rtol: 1e-5, "dgamma accumulates")
        assertClose(r[6], dbeta.map(Float.init), atol: 1e-5, rtol: 1e-5, "dbeta accumulates")
    }

    func testOpenCLMatchesCPUTwinAtBERTBaseWidth() throws {
        let openCL = try TestDevices.openCL()
        let t = Case(rows: 2 * 128, columns: 768, seed: 61)
        for dropout in [nil, DropoutConfig(probability: 0.1, seed: 99, stream: 5)] {
            let cpu = try run(TestDevices.cpu, t, dropout: dropout)
            let cl = try run(openCL, t, dropout: dropout)
            for (i, name) in ["output", "sum", "mean", "rstd", "dv", "dgamma", "dbeta"].enumerated() {
                assertClose(cl[i], cpu[i], atol: 1e-5, rtol: 1e-4, "\(name) opencl vs cpu, dropout \(String(describing: dropout))")
            }
            if dropout != nil {
                let dropped = zip(cpu[1], t.residual).filter { $0 == $1 }.count
                XCTAssertEqual(Double(dropped) / Double(t.input.count), 0.1, accuracy: 0.01, "residual dropout rate")
            }
        }
    }

    func testEmbeddingStyleLayerNormWithoutResidualAndMissingSumIsAnError() throws {
        let t = Case(rows: 3, columns: 40, seed: 62)
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let input = try device.upload(t.input, label: "input"), out = try device.allocate(t.input.count, label: "out")
            let gamma = try device.upload(t.gamma, label: "gamma"), beta = try device.upload(t.beta, label: "beta")
            let mean = try device.allocate(3, label: "mean"), rstd = try device.allocate(3, label: "rstd")
            let shape = LayerNormShape(rows: 3, columns: 40)
            try device.layerNorm(LayerNormForward(input: input, gamma: gamma, beta: beta, output: out, mean: mean, rstd: rstd),
                                 shape: shape)
            let ref = reference(t.input, gamma: t.gamma, beta: t.beta, rows: 3, columns: 40)
            assertClose(try device.readFloats(out), ref.out.map(Float.init), atol: 1e-5, rtol: 1e-5, "no residual on \(device.info)")
            assertComputeError(["needs a `sum` buffer"]) {
                try device.layerNorm(LayerNormForward(input: input, residual: input, gamma: gamma, beta: beta, output: out,
                                                      mean: mean, rstd: rstd), shape: shape)
            }
        }
    }
}
