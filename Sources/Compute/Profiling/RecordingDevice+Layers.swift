// LayerNorm, attention and embedding ops of the recording device: recorded with the flags that change the
// work (residual, dropout, mask), then forwarded.

extension RecordingDevice {
    public func layerNorm(_ f: LayerNormForward, shape s: LayerNormShape) throws {
        let call = OpCall.layerNorm(rows: s.rows, columns: s.columns, residual: f.residual != nil,
                                    dropout: (f.dropout?.probability ?? 0) > 0, storesSum: f.sum != nil)
        try record(call) { try inner.layerNorm(f, shape: s) }
    }

    public func layerNormBackward(_ b: LayerNormBackward, shape s: LayerNormShape) throws {
        try record(.layerNormBackward(rows: s.rows, columns: s.columns)) { try inner.layerNormBackward(b, shape: s) }
    }

    public func attentionSoftmax(_ f: AttentionSoftmaxForward, shape s: AttentionShape) throws {
        let dropped = (f.dropout?.probability ?? 0) > 0 && f.dropped != nil
        try record(.attentionSoftmax(s, mask: f.keyMask != nil, writesDropped: dropped)) {
            try inner.attentionSoftmax(f, shape: s)
        }
    }

    public func attentionSoftmaxBackward(_ b: AttentionSoftmaxBackward, shape s: AttentionShape) throws {
        try record(.attentionSoftmaxBackward(s, dropout: (b.dropout?.probability ?? 0) > 0)) {
            try inner.attentionSoftmaxBackward(b, shape: s)
        }
    }

    public func splitHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try record(.splitHeads(l)) { try inner.splitHeads(x, into: out, layout: l) }
    }

    public func mergeHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try record(.mergeHeads(l)) { try inner.mergeHeads(x, into: out, layout: l) }
    }

    public func flashAttention(_ f: FlashAttentionForward, shape s: AttentionShape) throws {
        let call = OpCall.flashAttention(s, mask: f.keyMask != nil, dropout: (f.dropout?.probability ?? 0) > 0,
                                         outputRowStride: f.outputRowStride)
        try record(call) { try inner.flashAttention(f, shape: s) }
    }

    public func embedding(_ f: EmbeddingForward, shape s: EmbeddingShape) throws {
        let h = max(s.hidden, 1)
        try record(.embedding(s, wordRows: f.word.count / h, positionRows: f.position.count / h, typeRows: f.type.count / h)) {
            try inner.embedding(f, shape: s)
        }
    }

    public func scatterAddRows(_ gradOutput: BufferView, index: DeviceScatterIndex, into grad: BufferView,
                               hidden: Int) throws {
        let call = OpCall.scatterAddRows(tokens: index.members.count, hidden: hidden, uniqueRows: index.uniqueRows,
                                         tableRows: grad.count / max(hidden, 1))
        try record(call) { try inner.scatterAddRows(gradOutput, index: index, into: grad, hidden: hidden) }
    }
}
