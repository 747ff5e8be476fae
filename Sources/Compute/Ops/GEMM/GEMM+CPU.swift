import COpenBLAS
import Foundation

// GEMM on the CPU backend, on the views' pointers (no copies): through oneDNN's matmul primitive, oneDNN's
// `dnnl_sgemm` or OpenBLAS, whichever `DeviceOptions.cpuGEMM` says — by default the fastest for the shape, measured
// once per machine (CPUGEMMChoice).
// With bf16 GEMMs (`--precision bf16`), A and B are rounded to bf16 into the device's operand scratch and oneDNN
// multiplies them with fp32 accumulation into the fp32 C.

extension GEMMOp {
    public func run(on device: CPUDevice) throws {
        let ap = try device.floats(a, .gemm), bp = try device.floats(b, .gemm), cp = try device.floats(c, .gemm)
        try device.gemm(shape, batch: batch, ap, bp, cp)
    }
}

extension CPUDevice {
    /// `C = alpha·op(A)·op(B) + beta·C` (per matrix of `batch`) on validated operands, with the library chosen for
    /// the shape.
    func gemm(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
              _ c: UnsafeMutablePointer<Float>) throws {
        if gemmPrecision == .bf16, CPUDevice.bf16OperandBytes(s, batch: batch) > 0, try runsInBF16(s, batch: batch) {
            return try bf16GEMM(s, batch: batch, a, b, c)
        }
        try fp32GEMM(s, batch: batch, a, b, c)
    }

    /// Whether a GEMM of a bf16 device runs in bf16: always under `--precision bf16`; under `auto`, where the bf16
    /// GEMM with its operand rounding measured faster than the shape's fp32 library — once per shape and machine,
    /// kept with the library choices (on one machine of this project bf16 won the FFN GEMMs by 1.5× and lost the
    /// per-head attention GEMMs and the classifier's).
    private func runsInBF16(_ s: GEMMShape, batch: BatchStrides?) throws -> Bool {
        #if SWIFTBERT_DNNL
        guard precisionPolicy == .auto else { return true }
        let key = OneDNNGEMM.Key(s, batch)
        if let known = gemmPrecisions[key] { return known == .bf16 }
        let precision = try measuredPrecision(s, batch: batch, key: "\(GEMMOp.Call(gemm: s, batch: batch).shape) fp32 or bf16")
        gemmPrecisions[key] = precision
        return precision == .bf16
        #else
        return true
        #endif
    }

    /// The fp32 GEMM through the shape's library (also what ops that multiply inside their body use, whatever the
    /// precision: flash attention's tiles).
    func fp32GEMM(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                  _ c: UnsafeMutablePointer<Float>) throws {
        try run(try gemmLibrary(s, batch: batch), s, batch: batch, a, b, c)
    }

    /// The GEMM on `library` (OpenBLAS when oneDNN did not start).
    private func run(_ library: CPUGEMMLibrary, _ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>,
                     _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) throws {
        #if SWIFTBERT_DNNL
        if let oneDNN {
            switch library {
            case .oneDNN: return try oneDNN.run(s, batch: batch, a: a, b: b, c: c)
            case .oneDNNSGEMM:
                guard let batch else { return try OneDNNGEMM.sgemm(s, a, b, c) }
                return try OneDNNGEMM.sgemmBatched(s, batch: batch, a, b, c, parallel: parallel)
            case .openBLAS: break
            }
        }
        #endif
        openBLASGEMM(s, batch: batch, a, b, c)
    }

    /// A and B rounded to bf16 (round to nearest even) into the operand scratch, then one oneDNN bf16 matmul with
    /// fp32 accumulation into C. The scratch grows like OpenCL's GEMM temporary buffer (`GEMMOp.dryRun` charges
    /// the same), so a plan counts it exactly.
    private func bf16GEMM(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                          _ c: UnsafeMutablePointer<Float>) throws {
        #if SWIFTBERT_DNNL
        let need = Self.bf16OperandBytes(s, batch: batch)
        guard let scratch = try bf16Operands.holding(need, growingTo: { need }, allocate: allocateMemory)?.hostPointer else {
            return
        }
        try bf16Multiply(s, batch: batch, a, b, c, scratch: scratch)
        #else
        throw ComputeError.unsupportedPrecision("--precision bf16 needs oneDNN: this build has none (install libdnnl-dev and rebuild); use --precision fp32")
        #endif
    }

    #if SWIFTBERT_DNNL
    /// The bf16 GEMM on operand scratch of `bf16OperandBytes` bytes.
    func bf16Multiply(_ s: GEMMShape, batch: BatchStrides?, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>, scratch: UnsafeMutableRawPointer) throws {
        guard let oneDNN else {
            throw ComputeError.unsupportedPrecision("--precision bf16: oneDNN did not start on this machine; use --precision fp32")
        }
        let extents = Self.bf16OperandExtents(s, batch: batch)
        let a16 = scratch.assumingMemoryBound(to: UInt16.self)                                    // A's extent in bf16
        let b16 = (scratch + Self.bf16Offset(ofB: extents.a)).assumingMemoryBound(to: UInt16.self)   // B's extent in bf16
        let convert = kernels.table.to_bfloat16!
        for (source, target, count) in [(a, a16, extents.a), (b, b16, extents.b)] {
            parallel(count) { range in convert(source, target, range.lowerBound, range.upperBound) }
        }
        do {
            try oneDNN.run(s, batch: batch, a: UnsafeRawPointer(a16), b: UnsafeRawPointer(b16), c: c, bf16: true)
        } catch ComputeError.oneDNN(let call, let status) where status == 3 {
            throw ComputeError.unsupportedPrecision(
                "--precision bf16: oneDNN has no bf16 matmul for this processor (\(call): unimplemented); use --precision fp32 or auto")
        }
    }

    /// `--precision auto` on a processor with bf16 arithmetic: bf16 when oneDNN's bf16 matmul (with the operand
    /// conversion) is faster than this machine's fp32 GEMM at BERT-Base's FFN shape (1024 tokens), measured once
    /// per machine and kept with the GEMM library choices. Returns the precision and the measured seconds.
    func measuredAutoPrecision() -> (GEMMPrecision, fp32: Double, bf16: Double) {
        let s = GEMMShape(m: 1024, n: 3072, k: 768, transB: .transposed)
        let key = "precision auto: \(GEMMOp.Call(gemm: s, batch: nil).shape) fp32 or bf16"
        let seconds = { (name: String) in self.gemmChoice.entries[key]?.seconds[name] ?? 0 }
        guard let precision = try? measuredPrecision(s, batch: nil, key: key) else { return (.fp32, 0, 0) }
        return (precision, seconds("fp32"), seconds("bf16"))
    }

    /// The recorded or newly measured precision of `s` under the choices' `key` (`measurePrecisions`).
    private func measuredPrecision(_ s: GEMMShape, batch: BatchStrides?, key: String) throws -> GEMMPrecision {
        // The fp32 library is chosen first: `choice(for:)` holds the choices' file lock while it measures.
        let library = (try? gemmLibrary(s, batch: batch)) ?? .openBLAS
        let choice = try gemmChoice.choice(for: key) { try measurePrecisions(s, batch: batch, fp32: library) }
        return choice == GEMMPrecision.bf16.rawValue ? .bf16 : .fp32
    }

    /// Seconds per call of the fp32 GEMM (on `library`) and of the bf16 one at `s` (per matrix of `batch`;
    /// `timeCandidates`), on scratch outside the accountant.
    private func measurePrecisions(_ s: GEMMShape, batch: BatchStrides?, fp32 library: CPUGEMMLibrary) throws -> [String: Double] {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(Self.bf16OperandBytes(s, batch: batch), 1), alignment: 64)
        defer { scratch.deallocate() }
        return try timeCandidates(s, batch: batch) { a, b, c in
            [(GEMMPrecision.fp32.rawValue, { try self.run(library, s, batch: batch, a, b, c) }),
             (GEMMPrecision.bf16.rawValue, { try self.bf16Multiply(s, batch: batch, a, b, c, scratch: scratch) })]
        }
    }

    /// Seconds of one call of each candidate at this shape on scratch operands of its extents (outside the
    /// accountant): one untimed run each, then the fastest of five alternating timed rounds — interference on a
    /// shared machine only ever slows a run, so the minimum estimates each candidate's speed with less noise than a
    /// median of three (which picked the slower library by a noisy margin on one shape here). Small GEMMs are
    /// repeated to a measurable time.
    private func timeCandidates(_ s: GEMMShape, batch: BatchStrides?,
                                _ candidates: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                               UnsafeMutablePointer<Float>) -> [(String, () throws -> Void)])
        throws -> [String: Double] {
        let count = batch?.count ?? 1
        let extent = { (rows: Int, ld: Int, stride: Int) in max((count - 1) * stride + rows * ld, 1) }
        let sizes = [extent(s.aStored.rows, s.lda, batch?.a ?? 0), extent(s.bStored.rows, s.ldb, batch?.b ?? 0),
                     extent(s.m, s.ldc, batch?.c ?? 0)]
        let buffers = sizes.map { size -> UnsafeMutablePointer<Float> in   // A, B, C
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
        let runs = candidates(buffers[0], buffers[1], buffers[2])
        for (_, run) in runs { try run() }
        var times: [String: [Double]] = [:]
        for _ in 0..<5 {
            for (name, run) in runs { times[name, default: []].append(try time(run)) }
        }
        return times.mapValues { $0.min() ?? .infinity }
    }
    #endif

    /// The library that runs this GEMM: the policy's, or for `.measured` the recorded or newly measured choice.
    func gemmLibrary(_ s: GEMMShape, batch: BatchStrides?) throws -> CPUGEMMLibrary {
        #if SWIFTBERT_DNNL
        guard oneDNN != nil, OneDNNGEMM.supports(s) else { return .openBLAS }
        switch gemmPolicy {
        case .openBLAS: return .openBLAS
        case .oneDNN: return .oneDNN
        case .oneDNNSGEMM: return .oneDNNSGEMM
        case .measured:
            let key = OneDNNGEMM.Key(s, batch)
            if let known = gemmLibraries[key] { return known }
            let library = try gemmChoice.library(for: GEMMOp.Call(gemm: s, batch: batch).shape) {
                try measureLibraries(s, batch: batch)
            }
            gemmLibraries[key] = library
            return library
        }
        #else
        return .openBLAS
        #endif
    }

    #if SWIFTBERT_DNNL
    /// Seconds of one call of each library at this shape (`timeCandidates`) — OpenBLAS, oneDNN's matmul primitive
    /// and oneDNN's BLAS-style `dnnl_sgemm` (its jit GEMM: up to 2× the primitive where B is not transposed, on one
    /// machine of this project; a strided batch as one single-threaded call per matrix on each of our threads).
    private func measureLibraries(_ s: GEMMShape, batch: BatchStrides?) throws -> [CPUGEMMLibrary: Double] {
        let seconds = try timeCandidates(s, batch: batch) { a, b, c in
            CPUGEMMLibrary.allCases.map { library in (library.rawValue, { try self.run(library, s, batch: batch, a, b, c) }) }
        }
        return Dictionary(uniqueKeysWithValues: seconds.compactMap { name, time in CPUGEMMLibrary(rawValue: name).map { ($0, time) } })
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
        // matrices single-threaded. In the usual build OpenBLAS runs one thread (oneDNN takes the large GEMMs), set
        // once when this backend was made; only where OpenBLAS owns the cores (`--cpu-gemm openblas`, or no
        // oneDNN) is its process-wide count lowered for the batch and restored — Debian's OpenBLAS 0.3.21 has no
        // per-call thread count.
        let lowered = openBLASThreads > 1
        if lowered { openblas_set_num_threads(1) }
        defer { if lowered { openblas_set_num_threads(Int32(openBLASThreads)) } }
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
