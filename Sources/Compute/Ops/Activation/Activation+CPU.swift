import Foundation

// The CPU twins of Kernels/gelu.cl (through GELUMath, the same formulas and constants) and Kernels/tanh.cl.

extension GELUOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "gelu"), yp = try device.floats(y, "gelu"), kind = self.kind   // [N], [N]
        device.parallel(x.count, grain: 4096) { range in
            for i in range { yp[i] = GELUMath.forward(xp[i], kind) }
        }
    }
}

extension GELUBackwardOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "geluBackward")     // [N]
        let dyp = try device.floats(dy, "geluBackward")   // [N]
        let dxp = try device.floats(dx, "geluBackward")   // [N]
        let kind = self.kind
        device.parallel(x.count, grain: 4096) { range in
            for i in range { dxp[i] = dyp[i] * GELUMath.derivative(xp[i], kind) }
        }
    }
}

extension BiasGELUOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "biasGELU"), bp = try device.floats(bias, "biasGELU")   // [rows, columns], [columns]
        let yp = try device.floats(y, "biasGELU")                                             // [rows, columns]
        let (columns, kind) = (self.columns, self.kind)
        device.parallel(rows, grain: max(1, 4096 / max(columns, 1))) { rowRange in
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
}

extension TanhOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "tanh"), yp = try device.floats(y, "tanh")   // [N]
        device.parallel(x.count, grain: 4096) { range in for i in range { yp[i] = tanhf(xp[i]) } }
    }
}

extension TanhBackwardOp {
    public func run(on device: CPUDevice) throws {
        let yp = try device.floats(y, "tanhBackward"), dyp = try device.floats(dy, "tanhBackward")   // [N]
        let dxp = try device.floats(dx, "tanhBackward")                                             // [N]
        device.parallel(y.count) { range in for i in range { dxp[i] = dyp[i] * (1 - yp[i] * yp[i]) } }
    }
}
