// The CPU twins of Kernels/layernorm.cl: the C kernels of Sources/CPUKernels (layernorm_forward,
// layernorm_backward_params, layernorm_backward_input), split across the backend's threads.

extension LayerNormOp {
    public func run(on device: CPUDevice) throws {
        let (f, s, floats) = (arguments, shape, device.floats)
        let op = OpName.layerNorm
        let input = try floats(f.input, op)                         // [R, C]
        let residual = try f.residual.map { try floats($0, op) }    // [R, C]
        let sum = try f.sum.map { try floats($0, op) }              // [R, C]
        let gamma = try floats(f.gamma, op), beta = try floats(f.beta, op)   // [C]
        let output = try floats(f.output, op)                       // [R, C]
        let meanOut = try floats(f.mean, op), rstdOut = try floats(f.rstd, op)   // [R]
        let (columns, epsilon, forward) = (s.columns, s.epsilon, device.kernels.table.layernorm_forward!)
        // Dropout and the residual apply only when the sum v is kept (as in the kernel).
        (sum == nil ? nil : f.dropout).withKernelArgument { dropout in
            device.parallel(s.rows, grain: max(1, 8192 / columns)) { rows in
                forward(input, residual, sum, gamma, beta, output, meanOut, rstdOut, columns, epsilon, dropout,
                        rows.lowerBound, rows.upperBound)
            }
        }
    }
}

extension LayerNormBackwardOp {
    public func run(on device: CPUDevice) throws {
        let (b, s, floats, parallel) = (arguments, shape, device.floats, device.parallel)
        let op = OpName.layerNormBackward
        let dout = try floats(b.gradOutput, op), v = try floats(b.input, op)   // [R, C]
        let mean = try floats(b.mean, op), rstd = try floats(b.rstd, op)       // [R]
        let gamma = try floats(b.gamma, op)                                    // [C]
        let dv = try floats(b.gradInput, op)                                   // [R, C]
        let dgamma = try floats(b.gradGamma, op), dbeta = try floats(b.gradBeta, op)   // [C]
        let columns = s.columns, rows = s.rows
        let params = device.kernels.table.layernorm_backward_params!, input = device.kernels.table.layernorm_backward_input!
        // Parameter gradients first (dv may alias dout): columns split across threads, rows summed in
        // order 0, 1, 2, … — the order of the OpenCL column kernel.
        parallel(columns, grain: max(1, 16_384 / max(rows, 1))) { columnRange in
            params(dout, v, mean, rstd, dgamma, dbeta, rows, columns, columnRange.lowerBound, columnRange.upperBound)
        }
        parallel(rows, grain: max(1, 8192 / columns)) { rowRange in
            input(dout, v, mean, rstd, gamma, dv, columns, rowRange.lowerBound, rowRange.upperBound)
        }
    }
}
