// LAMB on OpenCL: Kernels/lamb.cl — moments and update per chunk, trust ratios per tensor, the update applied.

extension LAMBOp {
    public func run(on device: OpenCLDevice) throws {
        let (s, t, c, rowWorkGroupSize) = (slice, tables, config, device.rowWorkGroupSize)
        guard t.chunkCount > 0, t.tensorCount > 0 else { return }   // nothing to update (a zero global size is an error)
        let (correction1, correction2) = c.corrections
        let groups = [t.chunkCount * rowWorkGroupSize], local = [rowWorkGroupSize]   // one work-group per chunk
        try device.launch("lamb_moments", in: "lamb.cl", global: groups, local: local, [
            .count(s.parameters.count), .buffer(s.parameters), .buffer(s.gradients), .buffer(s.m), .buffer(s.v),
            .buffer(t.chunks), .buffer(t.tensors), .buffer(t.partials), .buffer(normSquared), .float(c.maxGradNorm),
            .float(c.beta1), .float(c.beta2), .float(c.epsilon), .float(c.weightDecay), .float(correction1),
            .float(correction2),
        ])
        try device.launch("lamb_trust_ratio", in: "lamb.cl", global: [t.tensorCount], [
            .count(t.tensorCount), .buffer(t.tensors), .buffer(t.partials), .buffer(t.ratios),
        ])
        try device.launch("lamb_apply", in: "lamb.cl", global: groups, local: local, [
            .count(s.parameters.count), .buffer(s.parameters), .buffer(s.gradients), .buffer(t.chunks),
            .buffer(t.ratios), .float(c.learningRate),
        ])
    }
}
