import COpenBLAS

extension CPUDevice {
    public func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c)
        try sgemm(shape, try floats(a, "gemm"), try floats(b, "gemm"), try floats(c, "gemm"))
    }

    public func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                                   c: BufferView) throws {
        try shape.validate(a: a, b: b, c: c, batch: batch)
        let ap = try floats(a, "gemm"), bp = try floats(b, "gemm"), cp = try floats(c, "gemm")
        for i in 0..<batch.count {
            try sgemm(shape, ap + i * batch.a, bp + i * batch.b, cp + i * batch.c)
        }
    }

    /// Row-major cblas_sgemm on raw pointers (operands already validated).
    private func sgemm(_ s: GEMMShape, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafeMutablePointer<Float>) throws {
        guard s.m > 0, s.n > 0 else { return }
        cblas_sgemm(CblasRowMajor,
                    s.transA == .none ? CblasNoTrans : CblasTrans,
                    s.transB == .none ? CblasNoTrans : CblasTrans,
                    Int32(s.m), Int32(s.n), Int32(s.k), s.alpha, a, Int32(s.lda), b, Int32(s.ldb),
                    s.beta, c, Int32(s.ldc))
    }
}
