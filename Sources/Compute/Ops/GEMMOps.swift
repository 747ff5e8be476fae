/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// A row-major GEMM: `C = alpha · op(A) · op(B) + beta · C`, with op(A): [m, k], op(B): [k, n], C: [m, n].
///
/// Leading dimensions default to dense storage (A stored [m, k] or, transposed, [k, m]; likewise B; C [m, n]).
public struct GEMMShape: Sendable, Equatable, CustomStringConvertible {
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
public struct BatchStrides: Sendable, Equatable {
    public var count: Int
    public var a: Int
    public var b: Int
    public var c: Int

    public init(count: Int, a: Int, b: Int, c: Int) {
        self.count = count
        self.a = a
        self.b = b
        self.c = c
    }
}

/// Matrix multiplication through the backend's BLAS (OpenBLAS on CPU, CLBlast on OpenCL).
public protocol GEMMOps {
    /// `C = alpha · op(A) · op(B) + beta · C`.
    func gemm(_ shape: GEMMShape, a: BufferView, b: BufferView, c: BufferView) throws
    /// `batch.count` independent GEMMs; matrix i of A starts `i · batch.a` elements after A's start, etc.
    func gemmStridedBatched(_ shape: GEMMShape, batch: BatchStrides, a: BufferView, b: BufferView,
                            c: BufferView) throws
    /// Bytes of BLAS temporary buffer one GEMM of this shape may need, whatever its operands' offsets: the
    /// size to pass (as the maximum over a schedule's shapes) to `Device.reserveWorkspace(gemmBytes:)`.
    /// A multiple of 4; 0 when the GEMM needs none (always on the CPU; on OpenCL when CLBlast takes its direct
    /// kernel). For a strided-batched GEMM pass the per-matrix shape.
    func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int
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
