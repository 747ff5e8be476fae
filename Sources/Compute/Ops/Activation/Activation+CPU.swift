import Foundation

// The CPU twins of Kernels/gelu.cl (through GELUMath, the same formulas and constants) and Kernels/tanh.cl.

extension ActivationOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, function.name), yp = try device.floats(y, function.name)   // [N], [N]
        switch function {
        case .gelu(let kind):
            device.parallel(x.count, grain: 4096) { range in for i in range { yp[i] = GELUMath.forward(xp[i], kind) } }
        case .tanh:
            device.parallel(x.count, grain: 4096) { range in for i in range { yp[i] = tanhf(xp[i]) } }
        }
    }
}

extension ActivationBackwardOp {
    public func run(on device: CPUDevice) throws {
        let name = function.name + "Backward"
        let inp = try device.floats(input, name), dyp = try device.floats(dy, name), dxp = try device.floats(dx, name)   // [N]
        switch function {
        case .gelu(let kind):   // input = x
            device.parallel(input.count, grain: 4096) { range in
                for i in range { dxp[i] = dyp[i] * GELUMath.derivative(inp[i], kind) }
            }
        case .tanh:             // input = y = tanh(x)
            device.parallel(input.count) { range in for i in range { dxp[i] = dyp[i] * (1 - inp[i] * inp[i]) } }
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
