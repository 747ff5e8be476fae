// Embeddings on OpenCL. Kernel: Kernels/embedding.cl.

extension EmbeddingOp {
    public func run(on device: OpenCLDevice) throws {
        let (f, s) = (arguments, shape)
        try device.launch("embedding_forward", in: "embedding.cl", global: [s.tokens * s.hidden], [
            .count(s.tokens), .count(s.hidden), .count(s.sequence), .buffer(f.ids), .buffer(f.types),
            .buffer(f.word), .count(f.word.count / s.hidden), .buffer(f.position), .buffer(f.type),
            .count(f.type.count / s.hidden), .buffer(f.output),
        ])
    }
}

extension ScatterAddRowsOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("scatter_add_rows", in: "embedding.cl", global: [index.uniqueRows * hidden], [
            .count(index.uniqueRows), .count(hidden), .buffer(index.rows), .buffer(index.offsets),
            .buffer(index.members), .buffer(gradOutput), .buffer(grad), .count(grad.count / hidden),
        ])
    }
}
