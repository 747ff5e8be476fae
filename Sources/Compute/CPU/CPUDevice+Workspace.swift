// The CPU backend's only scratch: the bf16 copies of a bf16 GEMM's operands (`--precision bf16`). OpenBLAS and
// oneDNN manage their own buffers (not device memory) and the C kernels sum in place.

extension CPUDevice {
    public var kernelScratchBytes: Int { 0 }

    /// With bf16 GEMMs, allocates the operand copies' scratch now (at least `gemmBytes`); else nothing.
    public func reserveWorkspace(gemmBytes: Int) throws {
        try ScratchBuffer.checkReservation(gemmBytes: gemmBytes)
        if gemmPrecision == .bf16 { try bf16Operands.ensure(gemmBytes, allocate: allocateMemory) }
    }

    /// Frees the operand copies' scratch.
    public func releaseWorkspace() throws { bf16Operands.release() }

    /// The bf16 operand copies of a plain GEMM of this shape (0 in fp32: OpenBLAS's and oneDNN's own buffers are
    /// not device memory).
    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try shape.validateDimensions()
        return gemmPrecision == .bf16 ? ScratchBuffer.roundedToFloats(Self.bf16OperandBytes(shape, batch: nil)) : 0
    }

    /// The bf16 operand copies of a whole strided batch (0 in fp32).
    public func batchedGEMMWorkspaceBytes(_ shape: GEMMShape, batch: BatchStrides) throws -> Int {
        try shape.validateDimensions()
        return gemmPrecision == .bf16 ? ScratchBuffer.roundedToFloats(Self.bf16OperandBytes(shape, batch: batch)) : 0
    }

    /// Bytes of the bf16 copies of A and B (each its whole strided extent, the batch included, B starting 64-byte
    /// aligned); 0 for a GEMM oneDNN does not run (k = 0 or an empty C).
    static func bf16OperandBytes(_ s: GEMMShape, batch: BatchStrides?) -> Int {
        let extents = bf16OperandExtents(s, batch: batch)
        return extents.a == 0 ? 0 : bf16Offset(ofB: extents.a) + 2 * extents.b
    }

    /// Elements of A's and B's strided extents (0, 0 when oneDNN does not run the GEMM).
    static func bf16OperandExtents(_ s: GEMMShape, batch: BatchStrides?) -> (a: Int, b: Int) {
        let count = batch?.count ?? 1
        guard s.k > 0, s.m > 0, s.n > 0, count > 0 else { return (0, 0) }
        func extent(_ stored: (rows: Int, columns: Int), _ ld: Int, _ stride: Int) -> Int {
            (count - 1) * stride + (stored.rows - 1) * ld + stored.columns
        }
        return (extent(s.aStored, s.lda, batch?.a ?? 0), extent(s.bStored, s.ldb, batch?.b ?? 0))
    }

    /// Byte offset of B's copy after `aElements` bf16 values of A's.
    static func bf16Offset(ofB aElements: Int) -> Int { (2 * aElements + 63) / 64 * 64 }
}
