import CCLBlast
import COpenCL

// GEMM on OpenCL through CLBlast (row-major). Plain GEMMs run with a temporary buffer we allocate — through
// the memory accountant — so CLBlast's scratch is counted in the device's peak. (CLBlast's strided-batched
// routine takes no temporary buffer: when it needs one it allocates it itself, outside the accountant.)

extension OpenCLDevice {
    public func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c)
        guard shape.m > 0, shape.n > 0 else { return }
        let (ma, mb, mc) = (try clMemory(a, "gemm"), try clMemory(b, "gemm"), try clMemory(c, "gemm"))
        var queueHandle: cl_command_queue? = queue.handle
        let transA = clblastTranspose(shape.transA), transB = clblastTranspose(shape.transB)

        var tempBytes = 0
        try checkCLBlast(CLBlastSGemmTempBufferSize(
            CLBlastLayoutRowMajor, transA, transB, shape.m, shape.n, shape.k,
            a.elementOffset, shape.lda, b.elementOffset, shape.ldb, c.elementOffset, shape.ldc,
            &queueHandle, &tempBytes), "SGemmTempBufferSize")
        let workspace = tempBytes > 0 ? try clMemory(try gemmWorkspace(bytes: tempBytes), "gemm workspace") : nil

        try recordingEvent("CLBlastSgemm", global: [shape.m, shape.n, shape.k]) { event in
            let status: CLBlastStatusCode
            if let workspace {
                status = CLBlastSgemmWithTempBuffer(
                    CLBlastLayoutRowMajor, transA, transB, shape.m, shape.n, shape.k, shape.alpha,
                    ma.handle, a.elementOffset, shape.lda, mb.handle, b.elementOffset, shape.ldb, shape.beta,
                    mc.handle, c.elementOffset, shape.ldc, &queueHandle, event, workspace.handle)
            } else {
                status = CLBlastSgemm(
                    CLBlastLayoutRowMajor, transA, transB, shape.m, shape.n, shape.k, shape.alpha,
                    ma.handle, a.elementOffset, shape.lda, mb.handle, b.elementOffset, shape.ldb, shape.beta,
                    mc.handle, c.elementOffset, shape.ldc, &queueHandle, event)
            }
            try checkCLBlast(status, "Sgemm \(shape)")
        }
    }

    public func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                                   c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c, batch: batch)
        guard shape.m > 0, shape.n > 0, batch.count > 0 else { return }
        let (ma, mb, mc) = (try clMemory(a, "gemm"), try clMemory(b, "gemm"), try clMemory(c, "gemm"))
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

    /// The GEMM temporary buffer, grown (through the accountant) when a GEMM needs more than it holds.
    private func gemmWorkspace(bytes: Int) throws -> BufferView {
        if let workspace = gemmWorkspace, workspace.byteCount >= bytes { return workspace }
        gemmWorkspace = nil
        let workspace = try allocate((bytes + 3) / 4, .float32, label: "CLBlast GEMM temporary buffer")
        gemmWorkspace = workspace
        return workspace
    }

    private func clblastTranspose(_ t: Transpose) -> CLBlastTranspose {
        t == .none ? CLBlastTransposeNo : CLBlastTransposeYes
    }

    private func checkCLBlast(_ status: CLBlastStatusCode, _ routine: String) throws {
        guard status == CLBlastSuccess else { throw ComputeError.clblast(routine: routine, status: status.rawValue) }
    }
}
