import Foundation

/// A quick end-to-end check of a device, so `bert selfcheck` can tell a user their device computes right: every op
/// of the device layer (`OpCatalog.coverage`: each op in each of its variants, at small odd shapes) against the
/// CPU backend, plus GELU, element-wise ops, reductions and GEMMs in every transpose combination against an
/// independent double-precision reference.
///
/// On an OpenCL device the catalogue compares each kernel with its CPU twin. On the CPU backend, whose ops are
/// themselves the twins, it compares each op with a one-thread CPU backend (results must not depend on the thread
/// count) and GEMMs with a double-precision slice.
public struct SelfCheck {
    /// One check's outcome.
    public struct Result: Sendable {
        public let name: String
        public let comparison: Comparison
        /// Seconds the check took: the call on the device, its CPU twin and reading both back (catalogue checks;
        /// nil for the double-precision references). On a simulator nearly all of it is the device's.
        public var seconds: Double? = nil
    }

    public let device: any Device
    private var random = SplitMix64(seed: 0x5EED)

    public init(device: any Device) {
        self.device = device
    }

    /// Runs every check: the double-precision references, then the whole op catalogue.
    public mutating func run() throws -> [Result] {
        try referenceChecks() + catalogueChecks()
    }

    /// Every call of `OpCatalog.coverage`, one result per output it writes.
    public func catalogueChecks() throws -> [Result] {
        try check(OpCatalog.coverage.enumerated().map { ($0, $1) }, on: device, label: nil)
    }

    /// On an OpenCL device, every catalogue call that has a launch knob again under each launch shape of that knob
    /// the device allows other than its default (`LaunchSettings.variants`), each on the device reopened with the
    /// shape's `kernelVariants`; results are named "call output [variant]". Empty on other devices. `progress`
    /// hears each variant as it starts.
    public func launchVariantChecks(progress: (String) -> Void = { _ in }) throws -> [Result] {
        guard let openCL = device as? OpenCLDevice else { return [] }
        let calls = OpCatalog.coverage.enumerated().compactMap { i, call in call.launchKnob.map { (i, call, $0) } }
        var knobs: [LaunchKnob] = []
        for (_, _, knob) in calls where !knobs.contains(knob) { knobs.append(knob) }
        var results: [Result] = []
        for knob in knobs {
            for variant in try LaunchSettings.variants(knob, info: openCL.info) where !variant.isDefault {
                progress("\(knob.title): \(variant.label)")
                var options = openCL.options
                options.kernelVariants = variant.variants
                let reopened = try OpenCLDevice(index: openCL.info.index ?? 0, options: options)
                results += try check(calls.filter { $0.2 == knob }.map { ($0.0, $0.1) }, on: reopened, label: variant.label)
            }
        }
        return results
    }

    /// `calls` (with their catalogue positions, which seed their inputs) on `target` against a one-thread CPU backend.
    private func check(_ calls: [(index: Int, call: OpCall)], on target: any Device, label: String?) throws -> [Result] {
        let reference = CPUDevice(options: DeviceOptions(threads: 1), settingBLASThreads: false)
        var results: [Result] = []
        for (i, call) in calls {
            let seed = 0x5E1F + UInt64(i)
            let op = try OpReplay.prepare(call, on: target, seed: seed)
            let start = DispatchTime.now().uptimeNanoseconds
            let validation = target is CPUDevice && call.isGEMM
                ? try OpValidation.gemmSlice(op, device: target)
                : try OpValidation.compare(op, seed: seed, device: target, reference: reference)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            for (output, comparison) in validation.comparisons {
                results.append(Result(name: "\(call) \(output)" + (label.map { " [\($0)]" } ?? ""), comparison: comparison,
                                      seconds: seconds))
            }
        }
        return results
    }

    /// GELU both forms forward and backward, element-wise ops, reductions, GEMM in all transpose combinations and a
    /// strided-batched GEMM against double-precision references independent of both backends.
    public mutating func referenceChecks() throws -> [Result] {
        var results: [Result] = []
        let n = 10_000
        let x = uniform(n, -6, 6), dy = uniform(n, -1, 1)
        let xv = try device.upload(x, label: "x"), dyv = try device.upload(dy, label: "dy")
        let out = try device.allocate(n, label: "out")
        for kind in GELUKind.allCases {
            try device.gelu(xv, into: out, kind: kind)
            results.append(Result(name: "gelu \(kind) forward", comparison: Comparison(
                try device.readFloats(out), x.map { Float(Reference.gelu(Double($0), kind)) }, atol: 1e-6, rtol: 1e-5)))
            try device.geluBackward(input: xv, gradOutput: dyv, gradInput: out, kind: kind)
            results.append(Result(name: "gelu \(kind) backward", comparison: Comparison(
                try device.readFloats(out),
                zip(x, dy).map { Float(Double($1) * Reference.geluDerivative(Double($0), kind)) }, atol: 1e-6, rtol: 1e-5)))
        }
        try device.add(xv, dyv, into: out)
        results.append(Result(name: "add", comparison: Comparison(try device.readFloats(out), zip(x, dy).map { $0 + $1 },
                                                                   atol: 0, rtol: 1e-6)))
        try device.copy(dyv, to: out)
        try device.axpby(alpha: 0.5, xv, beta: 2, out)
        results.append(Result(name: "axpby", comparison: Comparison(try device.readFloats(out),
            zip(x, dy).map { Float(0.5 * Double($0) + 2 * Double($1)) }, atol: 1e-6, rtol: 1e-6)))
        let (rows, columns) = (100, 100)
        let bias = uniform(columns, -1, 1)
        let biasView = try device.upload(bias, label: "bias")
        try device.addBias(xv, bias: biasView, into: out, rows: rows, columns: columns)
        results.append(Result(name: "addBias", comparison: Comparison(try device.readFloats(out),
            (0..<n).map { x[$0] + bias[$0 % columns] }, atol: 0, rtol: 1e-6)))
        try device.sumRows(xv, rows: rows, columns: columns, into: biasView, accumulate: false)
        results.append(Result(name: "sumRows", comparison: Comparison(try device.readFloats(biasView),
            (0..<columns).map { c in Float((0..<rows).reduce(0.0) { $0 + Double(x[$1 * columns + c]) }) },
            atol: 1e-5, rtol: 1e-5)))

        for (ta, tb) in [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)] {
            let shape = GEMMShape(m: 37, n: 53, k: 71, transA: ta, transB: tb, alpha: 0.75, beta: 0.5)
            results.append(Result(name: "gemm \(shape)", comparison: try checkGEMM(shape, batch: nil)))
        }
        let batched = GEMMShape(m: 32, n: 32, k: 16, transB: .transposed)
        results.append(Result(name: "gemm strided-batched \(batched) ×6",
                              comparison: try checkGEMM(batched, batch: BatchStrides(count: 6, a: 32 * 16, b: 32 * 16, c: 32 * 32))))
        return results
    }

    private mutating func checkGEMM(_ s: GEMMShape, batch: BatchStrides?) throws -> Comparison {
        let count = batch?.count ?? 1
        let aCount = (count - 1) * (batch?.a ?? 0) + s.aStored.rows * s.lda
        let bCount = (count - 1) * (batch?.b ?? 0) + s.bStored.rows * s.ldb
        let cCount = (count - 1) * (batch?.c ?? 0) + s.m * s.ldc
        let a = uniform(aCount, -1, 1), b = uniform(bCount, -1, 1), c = uniform(cCount, -1, 1)
        let av = try device.upload(a, label: "A"), bv = try device.upload(b, label: "B"), cv = try device.upload(c, label: "C")
        if let batch {
            try device.gemmStridedBatched(s, batch: batch, a: av, b: bv, c: cv)
        } else {
            try device.gemm(s, a: av, b: bv, c: cv)
        }
        let expected = Reference.gemm(s, batch: batch, a: a, b: b, c: c)
        return Comparison(try device.readFloats(cv), expected, atol: 1e-5, rtol: 1e-5)
    }

    private mutating func uniform(_ n: Int, _ low: Float, _ high: Float) -> [Float] {
        (0..<n).map { _ in low + (high - low) * random.nextUnitFloat() }
    }
}

/// Double-precision reference implementations, independent of both backends.
public enum Reference {
    public static func gelu(_ x: Double, _ kind: GELUKind) -> Double {
        switch kind {
        case .erf: return 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot())
        case .tanh: return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        }
    }

    public static func geluDerivative(_ x: Double, _ kind: GELUKind) -> Double {
        switch kind {
        case .erf:
            return 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        case .tanh:
            let c = (2 / Double.pi).squareRoot()
            let t = Foundation.tanh(c * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
        }
    }

    /// Row-major GEMM (optionally strided-batched) in double precision, returning the new C.
    public static func gemm(_ s: GEMMShape, batch: BatchStrides?, a: [Float], b: [Float], c: [Float]) -> [Float] {
        var out = c
        for index in 0..<(batch?.count ?? 1) {
            let offsets = (index * (batch?.a ?? 0), index * (batch?.b ?? 0), index * (batch?.c ?? 0))
            for i in 0..<s.m {
                for j in 0..<s.n { out[offsets.2 + i * s.ldc + j] = gemmEntry(s, a: a, b: b, c: c, offsets: offsets, i, j) }
            }
        }
        return out
    }

    /// Entry (i, j) of the new C of one GEMM whose matrices start at `offsets` (A, B, C) in double precision.
    public static func gemmEntry(_ s: GEMMShape, a: [Float], b: [Float], c: [Float], offsets: (Int, Int, Int),
                                 _ i: Int, _ j: Int) -> Float {
        let (ao, bo, co) = offsets
        var sum = 0.0
        for p in 0..<s.k {
            let av = s.transA == .none ? a[ao + i * s.lda + p] : a[ao + p * s.lda + i]
            let bv = s.transB == .none ? b[bo + p * s.ldb + j] : b[bo + j * s.ldb + p]
            sum += Double(av) * Double(bv)
        }
        let old = s.beta == 0 ? 0 : Double(s.beta) * Double(c[co + i * s.ldc + j])
        return Float(Double(s.alpha) * sum + old)
    }
}

/// A small, fast, seedable generator (SplitMix64) for test data and checks.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniform in [0, 1).
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
