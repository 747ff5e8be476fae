// Embeddings on OpenCL. Kernel: Kernels/embedding.cl.

extension OpenCLDevice {
    public func embedding(_ f: EmbeddingForward, shape s: EmbeddingShape) throws {
        try f.validate(s)
        try launch("embedding_forward", in: "embedding.cl", global: [s.tokens * s.hidden], [
            .count(s.tokens), .count(s.hidden), .count(s.sequence), .buffer(f.ids), .buffer(f.types),
            .buffer(f.word), .count(f.word.count / s.hidden), .buffer(f.position), .buffer(f.type),
            .count(f.type.count / s.hidden), .buffer(f.output),
        ])
    }

    public func scatterAddRows(_ gradOutput: BufferView, index: DeviceScatterIndex, into grad: BufferView,
                               hidden: Int) throws {
        try index.validate(gradOutput: gradOutput, grad: grad, hidden: hidden)
        try launch("scatter_add_rows", in: "embedding.cl", global: [index.uniqueRows * hidden], [
            .count(index.uniqueRows), .count(hidden), .buffer(index.rows), .buffer(index.offsets),
            .buffer(index.members), .buffer(gradOutput), .buffer(grad), .count(grad.count / hidden),
        ])
    }
}
