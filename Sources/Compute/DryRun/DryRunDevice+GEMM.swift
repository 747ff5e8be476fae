// GEMMs and scratch of the dry run: shapes are checked and recorded, and the virtual GEMM temporary buffer and
// reduction scratch grow (or are reserved) exactly as on the mirrored OpenCL device (OpenCLDevice+GEMM.swift,
// OpenCLDevice+Workspace.swift). Mirroring the CPU backend, no scratch is ever allocated.

extension DryRunDevice {
    public func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c)
        try owned("gemm", a, b, c)
        if let openCL = openCLTarget, shape.m > 0, shape.n > 0 {
            let need = try openCL.gemmTemporaryBytes(shape, offsets: (a.elementOffset, b.elementOffset, c.elementOffset))
            try gemmWorkspace.holding(need, growingTo: { try openCL.gemmWorkspaceBytes(shape) }, allocate: allocateMemory)
        }
        try executed("gemm", a, b, c)
        recordGEMM(shape)
    }

    public func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                                   c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c, batch: batch)
        try owned("gemm", a, b, c)
        if let openCL = openCLTarget, shape.m > 0, shape.n > 0, batch.count > 0 {
            // OpenCL loops over the matrices with the workspace exactly when one matrix needs scratch.
            let perMatrix = try openCL.gemmWorkspaceBytes(shape)
            try gemmWorkspace.holding(perMatrix, growingTo: { perMatrix }, allocate: allocateMemory)
        }
        try executed("gemmStridedBatched", a, b, c)
        recordGEMM(shape)
    }

    /// The mirrored device's answer.
    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try target.gemmWorkspaceBytes(shape)
    }

    /// The mirrored device's kernel scratch.
    public var kernelScratchBytes: Int { target.kernelScratchBytes }

    /// As the mirrored device: on OpenCL the GEMM temporary buffer (when larger than the one held) and the
    /// reduction scratch are charged now; on the CPU nothing.
    public func releaseWorkspace() throws {
        gemmWorkspace.release()
        reductionPartials.release()
    }

    public func reserveWorkspace(gemmBytes: Int) throws {
        try ScratchBuffer.checkReservation(gemmBytes: gemmBytes)
        guard openCLTarget != nil else { return }
        try gemmWorkspace.ensure(gemmBytes, allocate: allocateMemory)
        try reductionPartials.ensure(kernelScratchBytes, allocate: allocateMemory)
    }
}
