/// Rows × columns of a LayerNorm and its epsilon (BERT: 1e-12).
public struct LayerNormShape: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var epsilon: Float

    public init(rows: Int, columns: Int, epsilon: Float = 1e-12) {
        self.rows = rows
        self.columns = columns
        self.epsilon = epsilon
    }
}

/// Buffers of a fused (dropout +) residual + LayerNorm forward:
/// `v = drop(input) + residual`, `output = LN(v)·gamma + beta`.
///
/// In BERT's post-LN block `input` is the sublayer's projection and `residual` the block input; for the
/// embeddings there is neither residual nor dropout (`v = input`).
public struct LayerNormForward {
    public var input: BufferView            // [rows, columns]
    public var residual: BufferView?        // [rows, columns]
    public var dropout: DropoutConfig?      // applied to `input` before the residual add
    /// Where `v` is stored for the backward pass; required when `residual` or `dropout` is given.
    public var sum: BufferView?             // [rows, columns]
    public var gamma: BufferView            // [columns]
    public var beta: BufferView             // [columns]
    public var output: BufferView           // [rows, columns]
    public var mean: BufferView             // [rows]
    public var rstd: BufferView             // [rows]  1/√(var + eps)

    public init(input: BufferView, residual: BufferView? = nil, dropout: DropoutConfig? = nil, sum: BufferView? = nil,
                gamma: BufferView, beta: BufferView, output: BufferView, mean: BufferView, rstd: BufferView) {
        self.input = input
        self.residual = residual
        self.dropout = dropout
        self.sum = sum
        self.gamma = gamma
        self.beta = beta
        self.output = output
        self.mean = mean
        self.rstd = rstd
    }

    /// The LayerNorm's actual input `v`: `sum` when it was stored, else `input`.
    public var normalized: BufferView { sum ?? input }
}

/// Buffers of a LayerNorm backward. `gradInput` is overwritten (activation gradients); `gradGamma` and
/// `gradBeta` are accumulated (`+=`, parameter gradients). Gradients of a residual are `gradInput` itself;
/// of a dropped-out input, `dropoutBackward(gradInput)` with the forward's config.
public struct LayerNormBackward {
    public var gradOutput: BufferView       // [rows, columns]
    public var input: BufferView            // [rows, columns]  the v the forward normalised
    public var mean: BufferView             // [rows]
    public var rstd: BufferView             // [rows]
    public var gamma: BufferView            // [columns]
    public var gradInput: BufferView        // [rows, columns]  (may alias gradOutput)
    public var gradGamma: BufferView        // [columns]
    public var gradBeta: BufferView         // [columns]

    public init(gradOutput: BufferView, input: BufferView, mean: BufferView, rstd: BufferView, gamma: BufferView,
                gradInput: BufferView, gradGamma: BufferView, gradBeta: BufferView) {
        self.gradOutput = gradOutput
        self.input = input
        self.mean = mean
        self.rstd = rstd
        self.gamma = gamma
        self.gradInput = gradInput
        self.gradGamma = gradGamma
        self.gradBeta = gradBeta
    }
}

/// LayerNorm, forward and backward.
public protocol NormalizationOps {
    func layerNorm(_ f: LayerNormForward, shape: LayerNormShape) throws
    func layerNormBackward(_ b: LayerNormBackward, shape: LayerNormShape) throws
}

extension LayerNormForward {
    func validate(_ s: LayerNormShape) throws {
        let op = "layerNorm"
        try OpChecks.matrix(op, "input", input, rows: s.rows, columns: s.columns)
        try OpChecks.matrix(op, "output", output, rows: s.rows, columns: s.columns)
        if let residual { try OpChecks.matrix(op, "residual", residual, rows: s.rows, columns: s.columns) }
        if let sum { try OpChecks.matrix(op, "sum", sum, rows: s.rows, columns: s.columns) }
        try OpChecks.floats(op, count: s.columns, ("gamma", gamma), ("beta", beta))
        try OpChecks.floats(op, count: s.rows, ("mean", mean), ("rstd", rstd))
        try dropout?.validate(op)
        if (residual != nil || (dropout?.probability ?? 0) > 0) && sum == nil {
            throw ComputeError.shapeMismatch(operation: op,
                detail: "a residual or dropout needs a `sum` buffer to keep the normalised input for backward")
        }
        guard s.columns > 0 else { throw ComputeError.shapeMismatch(operation: op, detail: "zero columns") }
    }
}

extension LayerNormBackward {
    func validate(_ s: LayerNormShape) throws {
        let op = "layerNormBackward"
        for (name, view) in [("gradOutput", gradOutput), ("input", input), ("gradInput", gradInput)] {
            try OpChecks.matrix(op, name, view, rows: s.rows, columns: s.columns)
        }
        try OpChecks.floats(op, count: s.columns, ("gamma", gamma), ("gradGamma", gradGamma), ("gradBeta", gradBeta))
        try OpChecks.floats(op, count: s.rows, ("mean", mean), ("rstd", rstd))
    }
}
