import Foundation

extension CPUDevice {
    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws {
        try OpChecks.floats("gelu", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "gelu"), yp = try floats(y, "gelu")      // [N], [N]
        parallel(x.count, grain: 4096) { range in
            for i in range { yp[i] = GELUMath.forward(xp[i], kind) }
        }
    }

    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             kind: GELUKind) throws {
        try OpChecks.floats("geluBackward", count: x.count, ("x", x), ("dy", dy), ("dx", dx))
        let xp = try floats(x, "geluBackward")     // [N]
        let dyp = try floats(dy, "geluBackward")   // [N]
        let dxp = try floats(dx, "geluBackward")   // [N]
        parallel(x.count, grain: 4096) { range in
            for i in range { dxp[i] = dyp[i] * GELUMath.derivative(xp[i], kind) }
        }
    }
}

extension CPUDevice {
    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int,
                         kind: GELUKind) throws {
        try validateBiasGELU(x, bias, y, rows: rows, columns: columns)
        let xp = try floats(x, "biasGELU"), bp = try floats(bias, "biasGELU"), yp = try floats(y, "biasGELU")
        parallel(rows, grain: max(1, 4096 / max(columns, 1))) { rowRange in
            for r in rowRange {
                let xr = xp + r * columns, yr = yp + r * columns
                for c in 0..<columns {
                    let pre = xr[c] + bp[c]
                    xr[c] = pre
                    yr[c] = GELUMath.forward(pre, kind)
                }
            }
        }
    }

    public func tanh(_ x: BufferView, into y: BufferView) throws {
        try OpChecks.floats("tanh", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "tanh"), yp = try floats(y, "tanh")   // [N]
        parallel(x.count, grain: 4096) { range in for i in range { yp[i] = tanhf(xp[i]) } }
    }

    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView) throws {
        try OpChecks.floats("tanhBackward", count: y.count, ("y", y), ("dy", dy), ("dx", dx))
        let yp = try floats(y, "tanhBackward"), dyp = try floats(dy, "tanhBackward"), dxp = try floats(dx, "tanhBackward")
        parallel(y.count) { range in for i in range { dxp[i] = dyp[i] * (1 - yp[i] * yp[i]) } }
    }
}
