// GEMMs of the recording device: recorded with their shapes (a strided-batched call once, with its batch),
// then forwarded; the workspace questions go straight to the wrapped device.

extension RecordingDevice {
    public func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws {
        try record(.gemm(shape)) { try inner.gemm(shape, a: a, b: b, c: c) }
    }

    public func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                                   c: BufferView) throws {
        try record(.gemmStridedBatched(shape, batch)) {
            try inner.gemmStridedBatched(shape, batch: batch, a: a, b: b, c: c)
        }
    }

    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try inner.gemmWorkspaceBytes(shape)
    }
}
