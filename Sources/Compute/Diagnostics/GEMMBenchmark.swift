import COpenBLAS
import Foundation

/// Times a GEMM on a device against OpenBLAS and (when built with it) oneDNN called directly on host arrays, in the
/// same run, so the overhead of our device layer — and its choice of library — shows as ratios.
public struct GEMMBenchmark {
    /// Median seconds and GFLOP/s of both.
    public struct Result: Sendable {
        public let shape: GEMMShape
        public let deviceSeconds: Double
        public let openBLASSeconds: Double
        /// oneDNN's matmul called directly; nil in a build without oneDNN.
        public let oneDNNSeconds: Double?
        /// oneDNN's implementation for the shape (its ISA path, e.g. `brg:avx512_core`); nil without oneDNN.
        public let oneDNNImplementation: String?
        /// oneDNN's BLAS-style `dnnl_sgemm` called directly; nil without oneDNN.
        public let oneDNNSGEMMSeconds: Double?
        public var deviceGFLOPS: Double { shape.flops / deviceSeconds / 1e9 }
        public var openBLASGFLOPS: Double { shape.flops / openBLASSeconds / 1e9 }
        public var oneDNNGFLOPS: Double? { oneDNNSeconds.map { shape.flops / $0 / 1e9 } }
        public var oneDNNSGEMMGFLOPS: Double? { oneDNNSGEMMSeconds.map { shape.flops / $0 / 1e9 } }
        /// Device speed as a fraction of direct OpenBLAS.
        public var ratio: Double { openBLASSeconds / deviceSeconds }
        /// Device speed as a fraction of the faster library called directly.
        public var ratioToFastest: Double {
            min(openBLASSeconds, oneDNNSeconds ?? .infinity, oneDNNSGEMMSeconds ?? .infinity) / deviceSeconds
        }
    }

    public let shape: GEMMShape
    public let repetitions: Int

    public init(shape: GEMMShape, repetitions: Int = 5) {
        self.shape = shape
        self.repetitions = max(1, repetitions)
    }

    public func run(on device: any Device) throws -> Result {
        var random = SplitMix64(seed: 7)
        let s = shape
        let a = (0..<(s.aStored.rows * s.lda)).map { _ in random.nextUnitFloat() - 0.5 }
        let b = (0..<(s.bStored.rows * s.ldb)).map { _ in random.nextUnitFloat() - 0.5 }
        var c = [Float](repeating: 0, count: s.m * s.ldc)
        let av = try device.upload(a, label: "bench A"), bv = try device.upload(b, label: "bench B")
        let cv = try device.upload(c, label: "bench C")

        let deviceTime = try median {
            try device.gemm(s, a: av, b: bv, c: cv)
            try device.synchronize()
        }
        let blasTime = try median {
            cblas_sgemm(CblasRowMajor, s.transA == .none ? CblasNoTrans : CblasTrans,
                        s.transB == .none ? CblasNoTrans : CblasTrans, Int32(s.m), Int32(s.n), Int32(s.k),
                        s.alpha, a, Int32(s.lda), b, Int32(s.ldb), s.beta, &c, Int32(s.ldc))
        }
        var oneDNNTime: Double?, oneDNNImplementation: String?, sgemmTime: Double?
        #if SWIFTBERT_DNNL
        // 64-byte aligned operands, as the device's buffers are (Swift arrays are not; AVX-512 loads care).
        let oneDNN = try OneDNNGEMM(threads: device.info.threads ?? 1, settingThreads: false)
        let aligned = try [a, b, c].map { values -> UnsafeMutablePointer<Float> in
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, max(values.count, 1) * 4) == 0, let raw else {
                throw ComputeError.hostAllocationFailed(label: "GEMM benchmark operands", bytes: values.count * 4)
            }
            let p = raw.bindMemory(to: Float.self, capacity: max(values.count, 1))
            values.withUnsafeBufferPointer { if let base = $0.baseAddress { p.initialize(from: base, count: values.count) } }
            return p
        }
        defer { aligned.forEach { free($0) } }
        oneDNNTime = try median { try oneDNN.run(s, batch: nil, a: aligned[0], b: aligned[1], c: aligned[2]) }
        oneDNNImplementation = try oneDNN.implementation(s, batch: nil)
        sgemmTime = try median { try OneDNNGEMM.sgemm(s, aligned[0], aligned[1], aligned[2]) }
        #endif
        return Result(shape: s, deviceSeconds: deviceTime, openBLASSeconds: blasTime, oneDNNSeconds: oneDNNTime,
                      oneDNNImplementation: oneDNNImplementation, oneDNNSGEMMSeconds: sgemmTime)
    }

    /// One warm-up, then the median of `repetitions` timed runs.
    private func median(_ body: () throws -> Void) throws -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        times.sort()
        return times[times.count / 2]
    }
}
