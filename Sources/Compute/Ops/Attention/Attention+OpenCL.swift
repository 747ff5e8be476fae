// Attention's head layout and the online-softmax forward on OpenCL: Kernels/attention.cl (the forward compiled per
// head width, work-group size and K/V tile from the device's `LaunchSettings`).

extension HeadLayoutOp {
    public func run(on device: OpenCLDevice) throws {
        let l = layout
        switch direction {
        case .split:
            try device.launch("split_heads", in: "attention.cl", global: [l.headMajorCount], [
                .count(l.batch), .count(l.sequence), .count(l.heads), .count(l.headDim), .buffer(x), .count(l.rowStride),
                .buffer(out),
            ])
        case .merge:
            try device.launch("merge_heads", in: "attention.cl", global: [l.headMajorCount], [
                .count(l.batch), .count(l.sequence), .count(l.heads), .count(l.headDim), .buffer(x), .buffer(out),
                .count(l.rowStride),
            ])
        }
    }
}

extension FlashAttentionOp {
    public func run(on device: OpenCLDevice) throws {
        let (f, s) = (arguments, shape)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        let group = device.launchSettings.flashWorkGroupSize
        let tile = try device.launchSettings.flashTile(headDim: s.headDim)
        let blocks = (s.queryLength + group - 1) / group
        try device.launch("flash_attention_forward", in: "attention.cl",
                          options: "-D SB_HEAD_DIM=\(s.headDim) -D SB_FLASH_WG=\(group) -D SB_FLASH_TILE=\(tile)",
                          global: [s.batch * s.heads * blocks * group], local: [group], [
                            .count(s.heads), .count(s.queryLength), .count(s.keyLength), .buffer(f.query), .buffer(f.key),
                            .buffer(f.value), .buffer(f.keyMask ?? f.query), .uint(f.keyMask == nil ? 0 : 1),
                            .buffer(f.output), .count(f.outputRowStride), .float(f.scale), .float(dropout.probability),
                            .float(dropout.scale), .ulong(dropout.seed), .ulong(dropout.stream),
                          ])
    }
}
