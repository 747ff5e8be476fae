import CCLBlast
import COpenCL

// GEMM on OpenCL through CLBlast (row-major). Every GEMM that needs scratch runs with a temporary buffer we
// allocate — through the memory accountant — so CLBlast never allocates behind our back and the scratch is
// in the peak (and can be reserved up front: `reserveWorkspace`, OpenCLDevice+Workspace.swift). `GEMMOp.dryRun`
// (GEMM.swift) charges the same scratch in a dry run.
//
// Strided-batched GEMMs: CLBlastSgemmStridedBatched takes no temporary buffer; on its indirect path it
// allocates its own, outside the accountant. It picks the direct kernel with the same rule as a plain GEMM
// (Xgemm::UseDirectKernel(m, n, k, XGEMM_MIN_INDIRECT_SIZE)), and the direct path needs no scratch — i.e.
// exactly when `gemmWorkspaceBytes(per-matrix shape) == 0`. So such batches stay one batched call, and the
// others run as a loop of CLBlastSgemmWithTempBuffer over the matrices with our workspace.

extension GEMMOp {
    public func run(on device: OpenCLDevice) throws {
        if let batch { return try device.clblastStridedBatched(shape, batch: batch, a: a, b: b, c: c) }
        try device.clblastGEMM(shape, a: a, b: b, c: c)
    }
}

extension OpenCLDevice {
    fileprivate func clblastGEMM(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws {
        guard shape.m > 0, shape.n > 0 else { return }
        let (ma, mb, mc) = (try clMemory(a, OpName.gemm.rawValue), try clMemory(b, OpName.gemm.rawValue), try clMemory(c, OpName.gemm.rawValue))
        let need = try gemmTemporaryBytes(shape, offsets: (a.elementOffset, b.elementOffset, c.elementOffset))
        let workspace = try gemmWorkspace.holding(need, growingTo: { try gemmWorkspaceBytes(shape) },
                                                  allocate: allocateMemory)
        try recordingEvent("CLBlastSgemm", global: [shape.m, shape.n, shape.k]) { event in
            try sgemm(shape, (ma, a.elementOffset), (mb, b.elementOffset), (mc, c.elementOffset), workspace, event)
        }
    }

    fileprivate func clblastStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                                           c: BufferView) throws {
        guard shape.m > 0, shape.n > 0, batch.count > 0 else { return }
        let (ma, mb, mc) = (try clMemory(a, OpName.gemm.rawValue), try clMemory(b, OpName.gemm.rawValue), try clMemory(c, OpName.gemm.rawValue))
        let perMatrix = try gemmWorkspaceBytes(shape)
        if let workspace = try gemmWorkspace.holding(perMatrix, growingTo: { perMatrix }, allocate: allocateMemory) {
            // Indirect path: one GEMM per matrix with our temporary buffer (see the note at the top).
            for i in 0..<batch.count {
                try recordingEvent("CLBlastSgemm (batch of \(batch.count))", global: [shape.m, shape.n, shape.k]) { event in
                    try sgemm(shape, (ma, a.elementOffset + i * batch.a), (mb, b.elementOffset + i * batch.b),
                              (mc, c.elementOffset + i * batch.c), workspace, event)
                }
            }
            return
        }
        var queueHandle: cl_command_queue? = queue.handle
        try recordingEvent("CLBlastSgemmStridedBatched", global: [shape.m, shape.n, shape.k, batch.count]) { event in
            let status = CLBlastSgemmStridedBatched(
                CLBlastLayoutRowMajor, clblastTranspose(shape.transA), clblastTranspose(shape.transB),
                shape.m, shape.n, shape.k, shape.alpha,
                ma.handle, a.elementOffset, shape.lda, batch.a,
                mb.handle, b.elementOffset, shape.ldb, batch.b, shape.beta,
                mc.handle, c.elementOffset, shape.ldc, batch.c, batch.count,
                &queueHandle, event)
            try checkCLBlast(status, "SgemmStridedBatched \(shape) ×\(batch.count)")
        }
    }

    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try shape.validateDimensions()
        // Non-zero offsets make CLBlast copy every operand, which is the most scratch any offsets can need.
        return ScratchBuffer.roundedToFloats(try gemmTemporaryBytes(shape, offsets: (1, 1, 1)))
    }

    /// CLBlast's temporary-buffer bytes for this shape with these operand offsets (in elements); 0 on the
    /// direct path or for an empty C.
    func gemmTemporaryBytes(_ shape: GEMMShape, offsets: (a: Int, b: Int, c: Int)) throws -> Int {
        guard shape.m > 0, shape.n > 0 else { return 0 }
        var queueHandle: cl_command_queue? = queue.handle
        var bytes = 0
        try checkCLBlast(CLBlastSGemmTempBufferSize(
            CLBlastLayoutRowMajor, clblastTranspose(shape.transA), clblastTranspose(shape.transB),
            shape.m, shape.n, shape.k, offsets.a, shape.lda, offsets.b, shape.ldb, offsets.c, shape.ldc,
            &queueHandle, &bytes), "SGemmTempBufferSize \(shape)")
        return bytes
    }

    /// One CLBlast GEMM on (buffer, element offset) operands, with our temporary buffer when one is given.
    private func sgemm(_ shape: GEMMShape, _ a: (CLMemory, Int), _ b: (CLMemory, Int), _ c: (CLMemory, Int),
                       _ workspace: DeviceAllocation?, _ event: UnsafeMutablePointer<cl_event?>?) throws {
        var queueHandle: cl_command_queue? = queue.handle
        let transA = clblastTranspose(shape.transA), transB = clblastTranspose(shape.transB)
        let status: CLBlastStatusCode
        if let workspace = workspace?.clMemory {
            status = CLBlastSgemmWithTempBuffer(
                CLBlastLayoutRowMajor, transA, transB, shape.m, shape.n, shape.k, shape.alpha,
                a.0.handle, a.1, shape.lda, b.0.handle, b.1, shape.ldb, shape.beta,
                c.0.handle, c.1, shape.ldc, &queueHandle, event, workspace.handle)
        } else {
            status = CLBlastSgemm(
                CLBlastLayoutRowMajor, transA, transB, shape.m, shape.n, shape.k, shape.alpha,
                a.0.handle, a.1, shape.lda, b.0.handle, b.1, shape.ldb, shape.beta,
                c.0.handle, c.1, shape.ldc, &queueHandle, event)
        }
        try checkCLBlast(status, "Sgemm \(shape)")
    }

    private func clblastTranspose(_ t: Transpose) -> CLBlastTranspose {
        t == .none ? CLBlastTransposeNo : CLBlastTransposeYes
    }

    private func checkCLBlast(_ status: CLBlastStatusCode, _ routine: String) throws {
        guard status == CLBlastSuccess else { throw ComputeError.clblast(routine: routine, status: status.rawValue) }
    }
}
