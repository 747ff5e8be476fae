import Foundation

// The CPU twins of Kernels/gelu.cl and Kernels/silu.cl (the C kernels of Sources/CPUKernels: the same formulas and
// constants, with vectorisable exp and erfc whose error bounds sb_math.h states) and Kernels/tanh.cl.

extension ActivationOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, function.name), yp = try device.floats(y, function.name)   // [N], [N]
        switch function {
        case .gelu(let kind):
            let forward = device.kernels.table.gelu_forward!
            device.parallel(x.count, grain: 4096) { range in forward(kind.kernelArgument, xp, yp, range.lowerBound, range.upperBound) }
        case .tanh:
            device.parallel(x.count, grain: 4096) { range in for i in range { yp[i] = tanhf(xp[i]) } }
        case .silu:
            let forward = device.kernels.table.silu_forward!
            device.parallel(x.count, grain: 4096) { range in forward(xp, yp, range.lowerBound, range.upperBound) }
        }
    }
}

extension ActivationBackwardOp {
    public func run(on device: CPUDevice) throws {
        let name = function.backwardName
        let inp = try device.floats(input, name), dyp = try device.floats(dy, name), dxp = try device.floats(dx, name)   // [N]
        switch function {
        case .gelu(let kind):   // input = x
            let backward = device.kernels.table.gelu_backward!
            device.parallel(input.count, grain: 4096) { range in
                backward(kind.kernelArgument, inp, dyp, dxp, range.lowerBound, range.upperBound)
            }
        case .tanh:             // input = y = tanh(x)
            device.parallel(input.count) { range in for i in range { dxp[i] = dyp[i] * (1 - inp[i] * inp[i]) } }
        case .silu:             // input = x
            let backward = device.kernels.table.silu_backward!
            device.parallel(input.count, grain: 4096) { range in backward(inp, dyp, dxp, range.lowerBound, range.upperBound) }
        }
    }
}

extension BiasGELUOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .biasGELU), bp = try device.floats(bias, .biasGELU)   // [rows, columns], [columns]
        let yp = try device.floats(y, .biasGELU)                                             // [rows, columns]
        let (columns, kind, forward) = (self.columns, kind.kernelArgument, device.kernels.table.bias_gelu_forward!)
        device.parallel(rows, grain: max(1, 4096 / max(columns, 1))) { rowRange in
            forward(kind, xp, bp, yp, columns, rowRange.lowerBound, rowRange.upperBound)
        }
    }
}
