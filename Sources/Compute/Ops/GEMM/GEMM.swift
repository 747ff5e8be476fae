// GEMM through the backend's BLAS (OpenBLAS on the CPU, CLBlast on OpenCL), plain or strided-batched: the shape
// types, checks, the descriptor, its call (cost, replay) and the device sugar. Bodies: GEMM+CPU.swift,
// GEMM+OpenCL.swift (with CLBlast's temporary-buffer rules, which the dry run mirrors here).

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable, Hashable {
    case none
    case transposed
}

/// A row-major GEMM: `C = alpha · op(A) · op(B) + beta · C`, with op(A): [m, k], op(B): [k, n], C: [m, n].
///
/// Leading dimensions default to dense storage (A stored [m, k] or, transposed, [k, m]; likewise B; C [m, n]).
public struct GEMMShape: Sendable, Hashable, CustomStringConvertible {
    public var m: Int
    public var n: Int
    public var k: Int
    public var transA: Transpose
    public var transB: Transpose
    public var alpha: Float
    public var beta: Float
    public var lda: Int
    public var ldb: Int
    public var ldc: Int

    public init(m: Int, n: Int, k: Int, transA: Transpose = .none, transB: Transpose = .none,
                alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil) {
        self.m = m
        self.n = n
        self.k = k
        self.transA = transA
        self.transB = transB
        self.alpha = alpha
        self.beta = beta
        self.lda = lda ?? (transA == .none ? k : m)
        self.ldb = ldb ?? (transB == .none ? n : k)
        self.ldc = ldc ?? n
    }

    /// Stored rows and columns of A, B and C.
    var aStored: (rows: Int, columns: Int) { transA == .none ? (m, k) : (k, m) }
    var bStored: (rows: Int, columns: Int) { transB == .none ? (k, n) : (n, k) }

    /// Floating-point operations (2·m·n·k).
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    public var description: String {
        "\(m)×\(n)×\(k)\(transA == .transposed ? " Aᵀ" : "")\(transB == .transposed ? " Bᵀ" : "")"
    }
}

/// Element strides between consecutive matrices of a strided-batched GEMM (attention's QKᵀ and P·V).
public struct BatchStrides: Sendable, Hashable {
    public var count: Int
    public var a: Int
    public var b: Int
    public var c: Int

    public init(count: Int, a: Int, b: Int, c: Int) {
        (self.count, self.a, self.b, self.c) = (count, a, b, c)
    }
}

extension GEMMShape {
    /// Checks the sizes alone: none negative, all within BLAS's 32-bit range.
    func validateDimensions() throws {
        let name = "gemm \(self)"
        guard m >= 0, n >= 0, k >= 0 else {
            throw ComputeError.shapeMismatch(operation: name, detail: "negative dimension")
        }
        guard [m, n, k, lda, ldb, ldc].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw ComputeError.shapeMismatch(operation: name, detail: "a dimension exceeds BLAS's 32-bit range")
        }
    }

    /// Checks that every operand's view holds the elements the GEMM will touch.
    func validate(a: BufferView, b: BufferView, c: BufferView, batch: BatchStrides? = nil) throws {
        let name = "gemm \(self)"
        try validateDimensions()
        let operands: [(String, BufferView, (rows: Int, columns: Int), Int, Int)] = [
            ("A", a, aStored, lda, batch?.a ?? 0),
            ("B", b, bStored, ldb, batch?.b ?? 0),
            ("C", c, (m, n), ldc, batch?.c ?? 0),
        ]
        let count = batch?.count ?? 1
        guard count >= 0 else { throw ComputeError.shapeMismatch(operation: name, detail: "negative batch count") }
        for (label, view, stored, ld, stride) in operands {
            guard view.dtype == .float32 else {
                throw ComputeError.dtypeMismatch(operation: "\(name) \(label)", expected: .float32, got: view.dtype)
            }
            guard ld >= max(stored.columns, 1) else {
                throw ComputeError.shapeMismatch(operation: name,
                    detail: "leading dimension of \(label) is \(ld), less than its \(stored.columns) columns")
            }
            guard stored.rows > 0, stored.columns > 0, count > 0 else { continue }
            let extent = (count - 1) * stride + (stored.rows - 1) * ld + stored.columns
            guard extent <= view.count else {
                throw ComputeError.shapeMismatch(operation: name,
                    detail: "\(label) ('\(view.label)') needs \(extent) elements, its view has \(view.count)")
            }
        }
    }
}

/// `C = alpha · op(A) · op(B) + beta · C`; with `batch`, `batch.count` independent GEMMs whose matrix i of A starts
/// `i · batch.a` elements after A's start, and so on (attention's QKᵀ and P·V).
public struct GEMMOp: DeviceOp {
    public var shape: GEMMShape
    public var batch: BatchStrides?
    public var a, b, c: BufferView

    public var call: OpCall { OpCall(Call(gemm: shape, batch: batch)) }
    public func validate() throws { try shape.validate(a: a, b: b, c: c, batch: batch) }

    /// The scratch the mirrored OpenCL device would allocate (CLBlast's temporary buffer, grown to the shape's
    /// bound; a strided batch loops over matrices with it exactly when one matrix needs scratch), and the shape.
    public func dryRun(on device: DryRunDevice) throws {
        if let openCL = device.openCLTarget, shape.m > 0, shape.n > 0, (batch?.count ?? 1) > 0 {
            if batch == nil {
                let need = try openCL.gemmTemporaryBytes(shape, offsets: (a.elementOffset, b.elementOffset, c.elementOffset))
                try device.gemmWorkspace.holding(need, growingTo: { try openCL.gemmWorkspaceBytes(shape) },
                                                 allocate: device.allocateMemory)
            } else {
                let perMatrix = try openCL.gemmWorkspaceBytes(shape)
                try device.gemmWorkspace.holding(perMatrix, growingTo: { perMatrix }, allocate: device.allocateMemory)
            }
        }
        if device.bf16Operands {   // the bf16 operand copies, grown as CPUDevice.bf16GEMM grows them
            let need = CPUDevice.bf16OperandBytes(shape, batch: batch)
            try device.gemmWorkspace.holding(need, growingTo: { need }, allocate: device.allocateMemory)
        }
        device.recordGEMM(shape)
    }

    public struct Call: OpCallKind {
        public var gemm: GEMMShape
        /// nil for a plain GEMM; the strides of a strided-batched one (recorded once, with its per-matrix shape).
        public var batch: BatchStrides?

        public var name: OpName { batch == nil ? .gemm : .gemmStridedBatched }
        public var shape: String {
            let s = gemm
            var text = "\(s.m)×\(s.n)×\(s.k)"
            if s.transA == .transposed { text += " Aᵀ" }
            if s.transB == .transposed { text += " Bᵀ" }
            if s.alpha != 1 { text += " α=\(s.alpha)" }
            if s.beta != 0 { text += " β=\(s.beta)" }
            let dense = GEMMShape(m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB)
            if (s.lda, s.ldb, s.ldc) != (dense.lda, dense.ldb, dense.ldc) { text += " ld \(s.lda)/\(s.ldb)/\(s.ldc)" }
            return text + (batch.map { " ×\($0.count)" } ?? "")
        }
        public var cost: OpCost {
            let s = gemm, count = Double(batch?.count ?? 1)
            let one = 4 * (Double(s.m) * Double(s.k) + Double(s.k) * Double(s.n) + Double(s.m) * Double(s.n) * (s.beta != 0 ? 2 : 1))
            let formula = (batch == nil ? "4(mk + kn + mn)" : "batch · 4(mk + kn + mn)")
                + (s.beta != 0 ? (batch == nil ? " + 4mn (C read, β ≠ 0)" : " + batch · 4mn (β ≠ 0)") : "")
            return OpCost(bytes: count * one, formula: formula, flops: s.flops * count)
        }
        public var isGEMM: Bool { true }
        public var launchKnob: LaunchKnob? { nil }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            // A, B, C sized by the shape's leading dimensions and the batch strides.
            let s = gemm, count = batch?.count ?? 1
            let extent = { (rows: Int, ld: Int, stride: Int) in (count - 1) * stride + rows * ld }
            let a = try d.floats(extent(s.aStored.rows, s.lda, batch?.a ?? 0), "A", -0.5, 0.5)
            let b = try d.floats(extent(s.bStored.rows, s.ldb, batch?.b ?? 0), "B", -0.5, 0.5)
            let c = try d.floats(extent(s.m, s.ldc, batch?.c ?? 0), "C", -0.5, 0.5)
            return d.prepared(self, GEMMOp(shape: s, batch: batch, a: a, b: b, c: c), outputs: [("C", c)], atol: 1e-4, rtol: 1e-4,
                              buffers: ["A": a, "B": b, "C": c])
        }
    }
}

extension OpCall {
    public static func gemm(_ shape: GEMMShape) -> OpCall { OpCall(GEMMOp.Call(gemm: shape, batch: nil)) }
    public static func gemmStridedBatched(_ shape: GEMMShape, _ batch: BatchStrides) -> OpCall {
        OpCall(GEMMOp.Call(gemm: shape, batch: batch))
    }
}

extension Device {
    /// `C = alpha · op(A) · op(B) + beta · C`.
    public func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView, role: OpRole = .unnamed) throws {
        try execute(GEMMOp(shape: shape, a: a, b: b, c: c), role: role)
    }

    /// `batch.count` independent GEMMs; matrix i of A starts `i · batch.a` elements after A's start, etc.
    public func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView, c: BufferView,
                                   role: OpRole = .unnamed) throws {
        try execute(GEMMOp(shape: shape, batch: batch, a: a, b: b, c: c), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let gemm = OpName("gemm"), gemmStridedBatched = OpName("gemmStridedBatched")
}
