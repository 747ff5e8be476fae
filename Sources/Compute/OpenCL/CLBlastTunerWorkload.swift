import COpenBLAS
import Foundation

/// The tuner's GEMMs on the device: operand buffers shared by all of them (each GEMM uses a prefix), a few
/// reference rows per GEMM computed once on the host with OpenBLAS, and one function that checks and times
/// a GEMM under whatever parameters CLBlast has at the moment.
final class CLBlastTunerWorkload {
    /// How a GEMM fared under one configuration.
    enum Measurement {
        /// Median seconds of one call.
        case seconds(Double)
        /// CLBlast failed (e.g. the kernel did not build) or the result was wrong.
        case rejected(String)
        /// A timed call took longer than the limit given (its seconds).
        case tooSlow(Double)
    }

    /// Rows of C checked against the host: matrix `matrix` of the batch, row `row`, expected values.
    private struct RowCheck {
        let matrix: Int
        let row: Int
        let expected: [Float]
    }

    let device: OpenCLDevice
    /// The workload with equal GEMMs merged, heaviest first.
    let gemms: [WeightedGEMM]
    private let a: BufferView
    private let b: BufferView
    private let c: BufferView
    private let initialC: [Float]
    private let checks: [[RowCheck]]

    init(device: OpenCLDevice, workload: [WeightedGEMM], seed: UInt64) throws {
        self.device = device
        let gemms = Self.merged(workload)
        var random = SplitMix64(seed: seed)
        let sizes = gemms.map(Self.operandSizes)
        func values(_ count: Int?) -> [Float] { (0..<max(1, count ?? 1)).map { _ in random.nextUnitFloat() - 0.5 } }
        let hostA = values(sizes.map(\.a).max()), hostB = values(sizes.map(\.b).max())
        let hostC = values(sizes.map(\.c).max())
        self.gemms = gemms
        initialC = hostC
        a = try device.upload(hostA, label: "CLBlast tuning A")
        b = try device.upload(hostB, label: "CLBlast tuning B")
        c = try device.upload(hostC, label: "CLBlast tuning C")
        checks = gemms.map { Self.rowChecks($0, a: hostA, b: hostB, c: hostC, random: &random) }
    }

    /// Runs GEMM `index` once on fresh operands and compares the checked rows with the host's, then times
    /// `runs` calls (each followed by clFinish) and returns the median. The first call also builds CLBlast's
    /// kernels for the current parameters, so it is never timed. Stops early when a timed call takes more
    /// than `limit` seconds.
    func measure(_ index: Int, runs: Int, limit: Double = .infinity) throws -> Measurement {
        let gemm = gemms[index]
        let size = Self.operandSizes(gemm)
        let cView = try c.slice(0, count: size.c)
        do {
            try device.write(Array(initialC[0..<size.c]), to: cView)
            try call(gemm, size)
            try device.synchronize()
            let result = try device.readFloats(cView)
            if let mismatch = compare(result, index) { return .rejected("wrong result for \(gemm.shape): \(mismatch)") }
            var times: [Double] = []
            for _ in 0..<max(1, runs) {
                let start = DispatchTime.now().uptimeNanoseconds
                try call(gemm, size)
                try device.synchronize()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                if times[times.count - 1] > limit { return .tooSlow(times[times.count - 1]) }
            }
            times.sort()
            return .seconds(times[times.count / 2])
        } catch let error as ComputeError {
            switch error {
            case .clblast, .budgetExceeded, .deviceMemoryExceeded, .allocationTooLarge:
                return .rejected("\(gemm.shape): \(error)")
            default:
                throw error
            }
        }
    }

    private func call(_ gemm: WeightedGEMM, _ size: (a: Int, b: Int, c: Int, matrix: (a: Int, b: Int, c: Int))) throws {
        let (av, bv, cv) = (try a.slice(0, count: size.a), try b.slice(0, count: size.b), try c.slice(0, count: size.c))
        if gemm.batch == 1 {
            try device.gemm(gemm.shape, a: av, b: bv, c: cv)
        } else {
            try device.gemmStridedBatched(gemm.shape, batch: BatchStrides(count: gemm.batch, a: size.matrix.a,
                                                                          b: size.matrix.b, c: size.matrix.c),
                                          a: av, b: bv, c: cv)
        }
    }

    /// A description of the first checked row that differs, or nil. The tolerance grows with √k: a different
    /// summation order changes a float32 dot product of k terms by about √k rounding errors, while a wrong
    /// configuration is off by whole terms.
    private func compare(_ result: [Float], _ index: Int) -> String? {
        let gemm = gemms[index]
        let matrixC = gemm.shape.m * gemm.shape.ldc
        let atol = 1e-4 * Double(max(1, gemm.shape.k)).squareRoot()
        for check in checks[index] {
            let start = check.matrix * matrixC + check.row * gemm.shape.ldc
            let row = Array(result[start..<(start + gemm.shape.n)])
            let comparison = Comparison(row, check.expected, atol: atol, rtol: 1e-4)
            if !comparison.passed { return "matrix \(check.matrix) row \(check.row): \(comparison)" }
        }
        return nil
    }

    // MARK: - Setup

    /// Elements of A, B and C for all of a GEMM's matrices, and per matrix (the batch strides).
    private static func operandSizes(_ gemm: WeightedGEMM) -> (a: Int, b: Int, c: Int, matrix: (a: Int, b: Int, c: Int)) {
        let s = gemm.shape
        let matrix = (a: (s.transA == .none ? s.m : s.k) * s.lda, b: (s.transB == .none ? s.k : s.n) * s.ldb,
                      c: s.m * s.ldc)
        let count = max(1, gemm.batch)
        return (matrix.a * count, matrix.b * count, matrix.c * count, matrix)
    }

    /// Equal GEMMs (shape and batch) merged into one with their calls added, heaviest first.
    static func merged(_ workload: [WeightedGEMM]) -> [WeightedGEMM] {
        var merged: [WeightedGEMM] = []
        for gemm in workload where gemm.shape.m > 0 && gemm.shape.n > 0 && gemm.calls > 0 && gemm.batch > 0 {
            if let i = merged.firstIndex(where: { $0.shape == gemm.shape && $0.batch == gemm.batch }) {
                merged[i].calls += gemm.calls
                if !gemm.label.isEmpty { merged[i].label += merged[i].label.isEmpty ? gemm.label : ", \(gemm.label)" }
            } else {
                merged.append(gemm)
            }
        }
        return merged.sorted { $0.totalFlops > $1.totalFlops }
    }

    /// Reference rows for a GEMM: the first and last matrix of the batch; rows 0, m − 1 and up to 14 others.
    private static func rowChecks(_ gemm: WeightedGEMM, a: [Float], b: [Float], c: [Float],
                                  random: inout SplitMix64) -> [RowCheck] {
        let s = gemm.shape, size = operandSizes(gemm)
        var rows = Set([0, s.m - 1])
        for _ in 0..<min(14, s.m) { rows.insert(Int(random.next() % UInt64(s.m))) }
        return Set([0, gemm.batch - 1]).sorted().flatMap { matrix in
            rows.sorted().map { row in
                // Row `row` of op(A): one row of stored A, or (transposed) one column read with stride lda.
                let aStart = matrix * size.matrix.a + (s.transA == .none ? row * s.lda : row)
                var expected = Array(c[(matrix * size.matrix.c + row * s.ldc)..<(matrix * size.matrix.c + row * s.ldc + s.n)])
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        cblas_sgemm(CblasRowMajor, s.transA == .none ? CblasNoTrans : CblasTrans,
                                    s.transB == .none ? CblasNoTrans : CblasTrans, 1, Int32(s.n), Int32(s.k), s.alpha,
                                    ap.baseAddress! + aStart, Int32(s.lda), bp.baseAddress! + matrix * size.matrix.b,
                                    Int32(s.ldb), s.beta, &expected, Int32(s.n))
                    }
                }
                return RowCheck(matrix: matrix, row: row, expected: expected)
            }
        }
    }
}
