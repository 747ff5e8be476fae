/// Element-wise operations on float32 views. Outputs may alias inputs (each element is independent).
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
}
