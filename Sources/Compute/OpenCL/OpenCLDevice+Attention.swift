// Attention on OpenCL. Kernels: Kernels/softmax.cl (row work-groups), Kernels/attention.cl (head layout,
// online-softmax forward compiled per head width).

extension OpenCLDevice {
    public func attentionSoftmax(_ f: AttentionSoftmaxForward, shape s: AttentionShape) throws {
        try f.validate(s)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        let writeDropped = dropout.probability > 0 && f.dropped != nil
        try launch("attention_softmax_forward", in: "softmax.cl", global: [s.scoreRows * rowWorkGroupSize],
                   local: [rowWorkGroupSize], [
                    .count(s.scoreRows), .count(s.heads), .count(s.queryLength), .count(s.keyLength),
                    .buffer(f.scores), .buffer(f.keyMask ?? f.scores), .uint(f.keyMask == nil ? 0 : 1),
                    .buffer(f.probabilities), .buffer(f.dropped ?? f.probabilities), .uint(writeDropped ? 1 : 0),
                    .float(f.scale), .float(dropout.probability), .float(dropout.scale),
                    .ulong(dropout.seed), .ulong(dropout.stream),
                   ])
        if !writeDropped, let dropped = f.dropped, dropped.allocation !== f.probabilities.allocation
            || dropped.byteOffset != f.probabilities.byteOffset {
            try copy(f.probabilities, to: dropped)
        }
    }

    public func attentionSoftmaxBackward(_ b: AttentionSoftmaxBackward, shape s: AttentionShape) throws {
        try b.validate(s)
        let dropout = b.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        try launch("attention_softmax_backward", in: "softmax.cl", global: [s.scoreRows * rowWorkGroupSize],
                   local: [rowWorkGroupSize], [
                    .count(s.scoreRows), .count(s.keyLength), .buffer(b.gradDropped), .buffer(b.probabilities),
                    .buffer(b.gradScores), .float(b.scale), .float(dropout.probability), .float(dropout.scale),
                    .ulong(dropout.seed), .ulong(dropout.stream),
                   ])
    }

    public func splitHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: x, headMajor: out, "splitHeads")
        try launch("split_heads", in: "attention.cl", global: [l.headMajorCount], [
            .count(l.batch), .count(l.sequence), .count(l.heads), .count(l.headDim), .buffer(x), .count(l.rowStride),
            .buffer(out),
        ])
    }

    public func mergeHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: out, headMajor: x, "mergeHeads")
        try launch("merge_heads", in: "attention.cl", global: [l.headMajorCount], [
            .count(l.batch), .count(l.sequence), .count(l.heads), .count(l.headDim), .buffer(x), .buffer(out),
            .count(l.rowStride),
        ])
    }

    public func flashAttention(_ f: FlashAttentionForward, shape s: AttentionShape) throws {
        try f.validate(s)
        let dropout = f.dropout ?? DropoutConfig(probability: 0, seed: 0, stream: 0)
        try kernelVariants.checkFlash(maxWorkGroupSize: info.maxWorkGroupSize, localMemory: info.localMemory,
                                      headDim: s.headDim)
        let group = flashWorkGroupSize
        // K and V tiles live in local memory: pick the largest tile (≤ 32 keys) that uses at most half of it.
        var tile = 32
        while tile > 1 && (2 * tile * s.headDim + tile) * 4 > info.localMemory / 2 { tile /= 2 }
        tile = kernelVariants.flashTile ?? tile
        let blocks = (s.queryLength + group - 1) / group
        try launch("flash_attention_forward", in: "attention.cl",
                   options: "-D SB_HEAD_DIM=\(s.headDim) -D SB_FLASH_WG=\(group) -D SB_FLASH_TILE=\(tile)",
                   global: [s.batch * s.heads * blocks * group], local: [group], [
                    .count(s.heads), .count(s.queryLength), .count(s.keyLength), .buffer(f.query), .buffer(f.key),
                    .buffer(f.value), .buffer(f.keyMask ?? f.query), .uint(f.keyMask == nil ? 0 : 1),
                    .buffer(f.output), .count(f.outputRowStride), .float(f.scale), .float(dropout.probability),
                    .float(dropout.scale), .ulong(dropout.seed), .ulong(dropout.stream),
                   ])
    }

    /// Query rows per work-group of the flash kernel: 64, or fewer where the device allows less.
    var flashWorkGroupSize: Int { kernelVariants.flashWorkGroupSize ?? min(64, rowWorkGroupSize) }
}
