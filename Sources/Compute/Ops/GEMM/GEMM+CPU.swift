import COpenBLAS

// GEMM on the CPU backend: cblas_sgemm on the views' pointers, no copies.

extension GEMMOp {
    public func run(on device: CPUDevice) throws {
        let ap = try device.floats(a, "gemm"), bp = try device.floats(b, "gemm"), cp = try device.floats(c, "gemm")
        guard let batch else { return CPUDevice.sgemm(shape, ap, bp, cp) }
        let (shape, threads) = (self.shape, device.parallel.threads)
        guard threads > 1, batch.count > 1 else {
            for i in 0..<batch.count { CPUDevice.sgemm(shape, ap + i * batch.a, bp + i * batch.b, cp + i * batch.c) }
            return
        }
        // Attention's per-head GEMMs are small (e.g. 128×128×64): OpenBLAS's own threading costs more than it
        // gains on them (measured 3–7× slower than one thread per matrix). So each of our threads runs whole
        // matrices single-threaded, and OpenBLAS's thread count is restored afterwards.
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        device.parallel(batch.count, grain: 1) { range in
            for i in range { CPUDevice.sgemm(shape, ap + i * batch.a, bp + i * batch.b, cp + i * batch.c) }
        }
    }
}

extension CPUDevice {
    /// Row-major cblas_sgemm on raw pointers (operands already validated).
    static func sgemm(_ s: GEMMShape, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafeMutablePointer<Float>) {
        guard s.m > 0, s.n > 0 else { return }
        cblas_sgemm(CblasRowMajor,
                    s.transA == .none ? CblasNoTrans : CblasTrans,
                    s.transB == .none ? CblasNoTrans : CblasTrans,
                    Int32(s.m), Int32(s.n), Int32(s.k), s.alpha, a, Int32(s.lda), b, Int32(s.ldb),
                    s.beta, c, Int32(s.ldc))
    }
}
