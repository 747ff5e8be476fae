// LayerNorm, attention and embedding ops of the dry run: the op structs' shared `validate`, no compute.

extension DryRunDevice {
    public func layerNorm(_ f: LayerNormForward, shape s: LayerNormShape) throws {
        try f.validate(s)
        try executed("layerNorm", f.input, f.residual, f.sum, f.gamma, f.beta, f.output, f.mean, f.rstd)
    }

    public func layerNormBackward(_ b: LayerNormBackward, shape s: LayerNormShape) throws {
        try b.validate(s)
        try executed("layerNormBackward", b.gradOutput, b.input, b.mean, b.rstd, b.gamma, b.gradInput, b.gradGamma,
                     b.gradBeta)
    }

    public func attentionSoftmax(_ f: AttentionSoftmaxForward, shape s: AttentionShape) throws {
        try f.validate(s)
        try executed("attentionSoftmax", f.scores, f.keyMask, f.probabilities, f.dropped)
    }

    public func attentionSoftmaxBackward(_ b: AttentionSoftmaxBackward, shape s: AttentionShape) throws {
        try b.validate(s)
        try executed("attentionSoftmaxBackward", b.gradDropped, b.probabilities, b.gradScores)
    }

    public func splitHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: x, headMajor: out, "splitHeads")
        try executed("splitHeads", x, out)
    }

    public func mergeHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: out, headMajor: x, "mergeHeads")
        try executed("mergeHeads", x, out)
    }

    public func flashAttention(_ f: FlashAttentionForward, shape s: AttentionShape) throws {
        try f.validate(s)
        try executed("flashAttention", f.query, f.key, f.value, f.keyMask, f.output)
    }

    public func embedding(_ f: EmbeddingForward, shape s: EmbeddingShape) throws {
        try f.validate(s)
        try executed("embedding", f.ids, f.types, f.word, f.position, f.type, f.output)
    }

    public func scatterAddRows(_ gradOutput: BufferView, index: DeviceScatterIndex, into grad: BufferView,
                               hidden: Int) throws {
        try index.validate(gradOutput: gradOutput, grad: grad, hidden: hidden)
        try executed("scatterAddRows", gradOutput, index.rows, index.offsets, index.members, grad)
    }
}
