// The attention softmax pair on OpenCL: Kernels/softmax.cl, one work-group of `rowWorkGroupSize` items per score row.

extension AttentionSoftmaxOp {
    public func run(on device: OpenCLDevice) throws {
        let (f, s, group) = (arguments, shape, device.rowWorkGroupSize)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        let writeDropped = dropout.probability > 0 && f.dropped != nil
        try device.launch("attention_softmax_forward", in: "softmax.cl", global: [s.scoreRows * group], local: [group], [
            .count(s.scoreRows), .count(s.heads), .count(s.queryLength), .count(s.keyLength),
            .buffer(f.scores), .buffer(f.keyMask ?? f.scores), .uint(f.keyMask == nil ? 0 : 1),
            .buffer(f.probabilities), .buffer(f.dropped ?? f.probabilities), .uint(writeDropped ? 1 : 0),
            .float(f.scale), .float(dropout.probability), .float(dropout.scale), .ulong(dropout.seed), .ulong(dropout.stream),
        ])
        if !writeDropped, let dropped = f.dropped, dropped.allocation !== f.probabilities.allocation
            || dropped.byteOffset != f.probabilities.byteOffset {
            try CopyOp(x: f.probabilities, y: dropped).run(on: device)
        }
    }
}

extension AttentionSoftmaxBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        let (b, s, group) = (arguments, shape, device.rowWorkGroupSize)
        let dropout = b.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        try device.launch("attention_softmax_backward", in: "softmax.cl", global: [s.scoreRows * group], local: [group], [
            .count(s.scoreRows), .count(s.keyLength), .buffer(b.gradDropped), .buffer(b.probabilities),
            .buffer(b.gradScores), .float(b.scale), .float(dropout.probability), .float(dropout.scale),
            .ulong(dropout.seed), .ulong(dropout.stream),
        ])
    }
}
