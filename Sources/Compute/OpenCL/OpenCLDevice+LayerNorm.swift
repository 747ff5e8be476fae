// LayerNorm on OpenCL. Kernel: Kernels/layernorm.cl (one work-group of `rowWorkGroupSize` items per row).

extension OpenCLDevice {
    public func layerNorm(_ f: LayerNormForward, shape s: LayerNormShape) throws {
        try f.validate(s)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        try launch("layernorm_forward", in: "layernorm.cl", global: [s.rows * rowWorkGroupSize],
                   local: [rowWorkGroupSize], [
                    .count(s.rows), .count(s.columns), .buffer(f.input),
                    .buffer(f.residual ?? f.input), .uint(f.residual == nil ? 0 : 1),
                    .buffer(f.sum ?? f.output), .uint(f.sum == nil ? 0 : 1),
                    .buffer(f.gamma), .buffer(f.beta), .buffer(f.output), .buffer(f.mean), .buffer(f.rstd),
                    .float(s.epsilon), .float(dropout.probability), .float(dropout.scale),
                    .ulong(dropout.seed), .ulong(dropout.stream),
                   ])
    }

    public func layerNormBackward(_ b: LayerNormBackward, shape s: LayerNormShape) throws {
        try b.validate(s)
        // Parameter gradients first: gradInput may alias gradOutput.
        try launch("layernorm_param_grads", in: "layernorm.cl", global: [s.columns], [
            .count(s.rows), .count(s.columns), .buffer(b.gradOutput), .buffer(b.input), .buffer(b.mean),
            .buffer(b.rstd), .buffer(b.gradGamma), .buffer(b.gradBeta),
        ])
        try launch("layernorm_backward_input", in: "layernorm.cl", global: [s.rows * rowWorkGroupSize],
                   local: [rowWorkGroupSize], [
                    .count(s.rows), .count(s.columns), .buffer(b.gradOutput), .buffer(b.input), .buffer(b.mean),
                    .buffer(b.rstd), .buffer(b.gamma), .buffer(b.gradInput),
                   ])
    }
}
