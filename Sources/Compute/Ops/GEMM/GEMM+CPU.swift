import COpenBLAS
import Foundation

// GEMM on the CPU backend, on the views' pointers (no copies): through oneDNN or OpenBLAS, whichever
// `DeviceOptions.cpuGEMM` says — by default the faster for the shape, measured once per machine (CPUGEMMChoice).

extension GEMMOp {
    public func run(on device: CPUDevice) throws {
        let ap = try device.floats(a, "gemm"), bp = try device.floats(b, "gemm"), cp = try device.floats(c, "gemm")
        try device.gemm(shape, batch: batch, ap, bp, cp)
    }
}

extension CPUDevice {
    /// `C = alpha·op(A)·op(B) + beta·C` (per matrix of `batch`) on validated operands, with the library chosen for
    /// the shape.
    func gemm(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
              _ c: UnsafeMutablePointer<Float>) throws {
        #if SWIFTBERT_DNNL
        if let oneDNN, try gemmLibrary(s, batch: batch) == .oneDNN { return try oneDNN.run(s, batch: batch, a: a, b: b, c: c) }
        #endif
        openBLASGEMM(s, batch: batch, a, b, c)
    }

    /// The library that runs this GEMM: the policy's, or for `.measured` the recorded or newly measured choice.
    func gemmLibrary(_ s: GEMMShape, batch: BatchStrides?) throws -> CPUGEMMLibrary {
        #if SWIFTBERT_DNNL
        guard let oneDNN, OneDNNGEMM.supports(s) else { return .openBLAS }
        switch gemmPolicy {
        case .openBLAS: return .openBLAS
        case .oneDNN: return .oneDNN
        case .measured:
            let key = OneDNNGEMM.Key(s, batch)
            if let known = gemmLibraries[key] { return known }
            let library = try gemmChoice.library(for: GEMMOp.Call(gemm: s, batch: batch).shape) {
                try measureLibraries(s, batch: batch, oneDNN)
            }
            gemmLibraries[key] = library
            return library
        }
        #else
        return .openBLAS
        #endif
    }

    #if SWIFTBERT_DNNL
    /// Seconds of one call of each library at this shape, on scratch operands of its extents (the median of three
    /// alternating timed runs after one untimed run each; small GEMMs repeated to a measurable time).
    private func measureLibraries(_ s: GEMMShape, batch: BatchStrides?, _ oneDNN: OneDNNGEMM) throws -> (openBLAS: Double, oneDNN: Double) {
        let count = batch?.count ?? 1
        let extent = { (rows: Int, ld: Int, stride: Int) in max((count - 1) * stride + rows * ld, 1) }
        let sizes = [extent(s.aStored.rows, s.lda, batch?.a ?? 0), extent(s.bStored.rows, s.ldb, batch?.b ?? 0),
                     extent(s.m, s.ldc, batch?.c ?? 0)]
        let buffers = sizes.map { size -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: size)
            p.initialize(repeating: 0.25, count: size)
            return p
        }
        defer { buffers.forEach { $0.deallocate() } }
        let repeats = max(1, min(64, Int(2e8 / max(s.flops * Double(count), 1))))
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repeats { try body() }
            return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(repeats)
        }
        let blas = { self.openBLASGEMM(s, batch: batch, buffers[0], buffers[1], buffers[2]) }
        let dnnl = { try oneDNN.run(s, batch: batch, a: buffers[0], b: buffers[1], c: buffers[2]) }
        blas()
        try dnnl()
        var blasTimes: [Double] = [], dnnlTimes: [Double] = []
        for _ in 0..<3 {
            blasTimes.append(time(blas))
            dnnlTimes.append(try time(dnnl))
        }
        return (blasTimes.sorted()[1], dnnlTimes.sorted()[1])
    }
    #endif

    /// OpenBLAS: one `cblas_sgemm`, or for a strided batch one single-threaded GEMM per matrix on each of our threads.
    func openBLASGEMM(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>) {
        guard let batch else { return Self.sgemm(s, a, b, c) }
        let threads = parallel.threads
        guard threads > 1, batch.count > 1 else {
            for i in 0..<batch.count { Self.sgemm(s, a + i * batch.a, b + i * batch.b, c + i * batch.c) }
            return
        }
        // Attention's per-head GEMMs are small (e.g. 128×128×64): OpenBLAS's own threading costs more than it
        // gains on them (measured 3–7× slower than one thread per matrix). So each of our threads runs whole
        // matrices single-threaded, and OpenBLAS's thread count is restored afterwards.
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        parallel(batch.count, grain: 1) { range in
            for i in range { Self.sgemm(s, a + i * batch.a, b + i * batch.b, c + i * batch.c) }
        }
    }

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
