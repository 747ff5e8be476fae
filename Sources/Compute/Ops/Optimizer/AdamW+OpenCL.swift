// AdamW on OpenCL: Kernels/adamw.cl, one work-item per element.

extension AdamWOp {
    public func run(on device: OpenCLDevice) throws {
        let (s, c) = (slice, config)
        let (correction1, correction2) = c.corrections
        try device.launch("adamw", in: "adamw.cl", global: [s.parameters.count], [
            .count(s.parameters.count), .buffer(s.parameters), .buffer(s.gradients), .buffer(s.m), .buffer(s.v),
            .buffer(normSquared), .float(c.maxGradNorm), .float(c.learningRate), .float(c.beta1), .float(c.beta2),
            .float(c.epsilon), .float(c.weightDecay), .uint(c.biasCorrection ? 1 : 0), .float(correction1),
            .float(correction2),
        ])
    }
}
