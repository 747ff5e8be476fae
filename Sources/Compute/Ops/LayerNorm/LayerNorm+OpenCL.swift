// LayerNorm on OpenCL: Kernels/layernorm.cl (one work-group of `rowWorkGroupSize` items per row).

extension LayerNormOp {
    public func run(on device: OpenCLDevice) throws {
        let (f, s, group) = (arguments, shape, device.rowWorkGroupSize)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        try device.launch("layernorm_forward", in: "layernorm.cl", global: [s.rows * group], local: [group], [
            .count(s.rows), .count(s.columns), .buffer(f.input),
            .buffer(f.residual ?? f.input), .uint(f.residual == nil ? 0 : 1),
            .buffer(f.sum ?? f.output), .uint(f.sum == nil ? 0 : 1),
            .buffer(f.gamma), .buffer(f.beta), .buffer(f.output), .buffer(f.mean), .buffer(f.rstd),
            .float(s.epsilon), .float(dropout.probability), .float(dropout.scale),
            .ulong(dropout.seed), .ulong(dropout.stream),
        ])
    }
}

extension LayerNormBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        let (b, s, group) = (arguments, shape, device.rowWorkGroupSize)
        // Parameter gradients first: gradInput may alias gradOutput.
        try device.launch("layernorm_backward_params", in: "layernorm.cl", global: [s.columns], [
            .count(s.rows), .count(s.columns), .buffer(b.gradOutput), .buffer(b.input), .buffer(b.mean),
            .buffer(b.rstd), .buffer(b.gradGamma), .buffer(b.gradBeta),
        ])
        try device.launch("layernorm_backward_input", in: "layernorm.cl", global: [s.rows * group], local: [group], [
            .count(s.rows), .count(s.columns), .buffer(b.gradOutput), .buffer(b.input), .buffer(b.mean),
            .buffer(b.rstd), .buffer(b.gamma), .buffer(b.gradInput),
        ])
    }
}
