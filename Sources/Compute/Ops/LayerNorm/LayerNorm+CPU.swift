import Foundation

// The CPU twins of Kernels/layernorm.cl.

extension LayerNormOp {
    public func run(on device: CPUDevice) throws {
        let (f, s, floats, parallel) = (arguments, shape, device.floats, device.parallel)
        let op = "layerNorm"
        let input = try floats(f.input, op)                         // [R, C]
        let residual = try f.residual.map { try floats($0, op) }    // [R, C]
        let sum = try f.sum.map { try floats($0, op) }              // [R, C]
        let gamma = try floats(f.gamma, op), beta = try floats(f.beta, op)   // [C]
        let output = try floats(f.output, op)                       // [R, C]
        let meanOut = try floats(f.mean, op), rstdOut = try floats(f.rstd, op)   // [R]
        let columns = s.columns
        let dropout = (f.dropout?.probability ?? 0) > 0 ? f.dropout : nil
        parallel(s.rows, grain: max(1, 8192 / columns)) { rowRange in
            for r in rowRange {
                let base = r * columns
                // v = drop(input) + residual, kept in `sum` when given.
                let v = sum.map { $0 + base } ?? UnsafeMutablePointer(mutating: input + base)
                if sum != nil {
                    var draws = dropout.map(PhiloxSequence.init)   // four elements per Philox block, in row order
                    for c in 0..<columns {
                        var x = input[base + c]
                        if let dropout, let u = draws?.uniform(base + c) {
                            x = u < dropout.probability ? 0 : x * dropout.scale
                        }
                        if let residual { x += residual[base + c] }
                        v[c] = x
                    }
                }
                var total: Float = 0
                for c in 0..<columns { total += v[c] }
                let mean = total / Float(columns)
                var squares: Float = 0
                for c in 0..<columns {
                    let d = v[c] - mean
                    squares += d * d
                }
                let rstd = 1 / (squares / Float(columns) + s.epsilon).squareRoot()
                let out = output + base
                for c in 0..<columns { out[c] = (v[c] - mean) * rstd * gamma[c] + beta[c] }
                meanOut[r] = mean
                rstdOut[r] = rstd
            }
        }
    }
}

extension LayerNormBackwardOp {
    public func run(on device: CPUDevice) throws {
        let (b, s, floats, parallel) = (arguments, shape, device.floats, device.parallel)
        let op = "layerNormBackward"
        let dout = try floats(b.gradOutput, op), v = try floats(b.input, op)   // [R, C]
        let mean = try floats(b.mean, op), rstd = try floats(b.rstd, op)       // [R]
        let gamma = try floats(b.gamma, op)                                    // [C]
        let dv = try floats(b.gradInput, op)                                   // [R, C]
        let dgamma = try floats(b.gradGamma, op), dbeta = try floats(b.gradBeta, op)   // [C]
        let columns = s.columns, rows = s.rows
        // Parameter gradients first (dv may alias dout): columns split across threads, rows summed in
        // order 0, 1, 2, … — the order of the OpenCL column kernel.
        parallel(columns, grain: max(1, 16_384 / max(rows, 1))) { columnRange in
            for c in columnRange {
                var sg: Float = 0, sb: Float = 0
                for r in 0..<rows {
                    let i = r * columns + c
                    sg += dout[i] * (v[i] - mean[r]) * rstd[r]
                    sb += dout[i]
                }
                dgamma[c] += sg
                dbeta[c] += sb
            }
        }
        parallel(rows, grain: max(1, 8192 / columns)) { rowRange in
            for r in rowRange {
                let base = r * columns, mu = mean[r], rs = rstd[r]
                var sumG: Float = 0, sumGX: Float = 0
                for c in 0..<columns {
                    let g = dout[base + c] * gamma[c]
                    sumG += g
                    sumGX += g * (v[base + c] - mu) * rs
                }
                let meanG = sumG / Float(columns), meanGX = sumGX / Float(columns)
                for c in 0..<columns {
                    let g = dout[base + c] * gamma[c]
                    let xhat = (v[base + c] - mu) * rs
                    dv[base + c] = rs * (g - meanG - xhat * meanGX)
                }
            }
        }
    }
}
