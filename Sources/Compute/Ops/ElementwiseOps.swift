/// Element-wise operations on float32 views (and the float32 ↔ float16 storage conversion). Outputs may alias
/// inputs (each element is independent).
public protocol ElementwiseOps {
    /// `x[i] = value`.
    func fill(_ x: BufferView, value: Float) throws
    /// `y[i] = x[i]`.
    func copy(_ x: BufferView, to y: BufferView) throws
    /// `out[i] = a[i] + b[i]` (residual connections).
    func add(_ a: BufferView, _ b: BufferView, into out: BufferView) throws
    /// `out[i] = a[i] * b[i]`.
    func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView) throws
    /// `y[i] = alpha * x[i] + beta * y[i]` (gradient accumulation and scaling; `beta = 0` ignores old `y`).
    func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView) throws
    /// `out[r, c] = x[r, c] + bias[c]` for x, out: [rows, columns], bias: [columns].
    func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int) throws
    /// `out[r·outStride + c] = x[r·xStride + c]` for `rows × columns` (e.g. gathering the [CLS] rows).
    func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                  columns: Int) throws
    /// `y[i] = x[i]` converted between storage types: float32 → float16 rounds to nearest even (overflow →
    /// ±inf, NaN stays NaN, subnormals rounded correctly), float16 → float32 is exact, the same type is a
    /// copy. x, y: [N] of float32 or float16 (any other type throws). Bit-identical on every backend
    /// (OpenCL's `vstore_half_rte` / `vload_half`). When the types differ, y must not overlap x.
    func convert(_ x: BufferView, into y: BufferView) throws
}

extension ElementwiseOps {
    func validateCopyRows(_ x: BufferView, _ xStride: Int, _ out: BufferView, _ outStride: Int, _ rows: Int,
                          _ columns: Int) throws {
        for (name, view, stride) in [("x", x, xStride), ("out", out, outStride)] {
            guard view.dtype == .float32 else {
                throw ComputeError.dtypeMismatch(operation: "copyRows \(name)", expected: .float32, got: view.dtype)
            }
            let extent = rows == 0 ? 0 : (rows - 1) * stride + columns
            guard stride >= columns, extent <= view.count else {
                throw ComputeError.shapeMismatch(operation: "copyRows",
                    detail: "\(name) ('\(view.label)') of \(view.count) elements cannot hold \(rows) rows of \(columns) at stride \(stride)")
            }
        }
    }
}
