/// The two GELU forms BERT checkpoints use.
public enum GELUKind: String, Sendable, CaseIterable {
    /// Exact form `0.5·x·(1 + erf(x/√2))`: HF `hidden_act: "gelu"`.
    case erf
    /// Google's tanh approximation `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`: Google's `"gelu"`, HF
    /// `"gelu_new"` / `"gelu_pytorch_tanh"`.
    case tanh
}

/// Activation functions, forward and backward in pairs.
public protocol ActivationOps {
    /// `y = gelu(x)` element-wise. x, y: [N].
    func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws
    /// `dx = dy · gelu'(x)` element-wise (overwrites `dx`). x, dy, dx: [N].
    func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                      kind: GELUKind) throws
    /// The FFN's fusion: `x[r, c] += bias[c]` (x keeps the pre-activation for backward), `y = gelu(x)`.
    /// x, y: [rows, columns], bias: [columns]. Backward is `geluBackward(input: x)` plus `sumRows` for the bias.
    func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int, kind: GELUKind) throws
    /// `y = tanh(x)` element-wise (the pooler).
    func tanh(_ x: BufferView, into y: BufferView) throws
    /// `dx = dy · (1 − y²)` from the forward's output y.
    func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView) throws
}

extension ActivationOps {
    func validateBiasGELU(_ x: BufferView, _ bias: BufferView, _ y: BufferView, rows: Int, columns: Int) throws {
        try OpChecks.matrix("biasGELU", "x", x, rows: rows, columns: columns)
        try OpChecks.matrix("biasGELU", "y", y, rows: rows, columns: columns)
        try OpChecks.floats("biasGELU", count: columns, ("bias", bias))
    }
}
