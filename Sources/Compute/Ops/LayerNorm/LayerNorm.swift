// LayerNorm forward (with the fused dropout + residual of BERT's post-LN blocks) and backward: buffers, checks,
// descriptors, their calls (cost, replay) and the device sugar. Bodies: LayerNorm+CPU.swift, LayerNorm+OpenCL.swift
// (Kernels/layernorm.cl).

/// Rows × columns of a LayerNorm and its epsilon (BERT: 1e-12).
public struct LayerNormShape: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var epsilon: Float

    public init(rows: Int, columns: Int, epsilon: Float = 1e-12) {
        (self.rows, self.columns, self.epsilon) = (rows, columns, epsilon)
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
        (self.input, self.residual, self.dropout, self.sum, self.gamma, self.beta, self.output, self.mean, self.rstd)
            = (input, residual, dropout, sum, gamma, beta, output, mean, rstd)
    }

    /// The LayerNorm's actual input `v`: `sum` when it was stored, else `input`.
    public var normalized: BufferView { sum ?? input }
}

/// Buffers of a LayerNorm backward. `gradInput` is overwritten (activation gradients); `gradGamma` and
/// `gradBeta` are accumulated (`+=`, parameter gradients). Gradients of a residual are `gradInput` itself;
/// of a dropped-out input, the dropout of `gradInput` redrawn with the forward's config (`DropoutOp`, backward).
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
        (self.gradOutput, self.input, self.mean, self.rstd, self.gamma, self.gradInput, self.gradGamma, self.gradBeta)
            = (gradOutput, input, mean, rstd, gamma, gradInput, gradGamma, gradBeta)
    }
}

extension LayerNormForward {
    func validate(_ s: LayerNormShape) throws {
        let op = OpName.layerNorm
        try OpChecks.matrix(op, "input", input, rows: s.rows, columns: s.columns)
        try OpChecks.matrix(op, "output", output, rows: s.rows, columns: s.columns)
        if let residual { try OpChecks.matrix(op, "residual", residual, rows: s.rows, columns: s.columns) }
        if let sum { try OpChecks.matrix(op, "sum", sum, rows: s.rows, columns: s.columns) }
        try OpChecks.floats(op, count: s.columns, ("gamma", gamma), ("beta", beta))
        try OpChecks.floats(op, count: s.rows, ("mean", mean), ("rstd", rstd))
        try dropout?.validate(op)
        if (residual != nil || (dropout?.probability ?? 0) > 0) && sum == nil {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                detail: "a residual or dropout needs a `sum` buffer to keep the normalised input for backward")
        }
        guard s.columns > 0 else { throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "zero columns") }
    }
}

extension LayerNormBackward {
    func validate(_ s: LayerNormShape) throws {
        let op = OpName.layerNormBackward
        for (name, view) in [("gradOutput", gradOutput), ("input", input), ("gradInput", gradInput)] {
            try OpChecks.matrix(op, name, view, rows: s.rows, columns: s.columns)
        }
        try OpChecks.floats(op, count: s.columns, ("gamma", gamma), ("gradGamma", gradGamma), ("gradBeta", gradBeta))
        try OpChecks.floats(op, count: s.rows, ("mean", mean), ("rstd", rstd))
    }
}

/// `v = drop(input) + residual`, `output = LN(v)·γ + β` on `rows × columns` (see `LayerNormForward`).
public struct LayerNormOp: DeviceOp {
    public var arguments: LayerNormForward
    public var shape: LayerNormShape

    public var call: OpCall {
        OpCall(Call(rows: shape.rows, columns: shape.columns, residual: arguments.residual != nil,
                    dropout: (arguments.dropout?.probability ?? 0) > 0, storesSum: arguments.sum != nil))
    }


    public func validate() throws { try arguments.validate(shape) }

    /// A LayerNorm call: its shape and the flags that change the work.
    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var residual, dropout: Bool
        /// v = drop(input) + residual is written for backward.
        public var storesSum: Bool

        public var name: OpName { .layerNorm }
        public var flags: String { (residual ? " residual" : "") + (dropout ? " dropout" : "") + (storesSum ? " sum" : "") }
        public var cost: OpCost {
            let (rc, extra) = (rows * columns, (residual ? 4 * rows * columns : 0) + (storesSum ? 4 * rows * columns : 0))
            return OpCost(bytes: Double(8 * rc + extra + 8 * rows + 8 * columns),
                          formula: "8RC" + (residual ? " + 4RC (residual)" : "") + (storesSum ? " + 4RC (sum)" : "")
                              + " + 8R (mean, rstd) + 8C (γ, β)")
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (r, c) = (rows, columns)
            let forward = LayerNormForward(
                input: try d.floats(r * c, "input"), residual: residual ? try d.floats(r * c, "residual") : nil,   // [r, c]
                dropout: dropout ? d.dropout : nil, sum: storesSum ? try d.output(r * c, "sum") : nil,
                gamma: try d.floats(c, "gamma", 0.5, 1.5), beta: try d.floats(c, "beta"),                         // [c]
                output: try d.output(r * c, "output"), mean: try d.output(r, "mean"), rstd: try d.output(r, "rstd"))
            var outputs = [("output", forward.output), ("mean", forward.mean), ("rstd", forward.rstd)]
            if let sum = forward.sum { outputs.append(("sum", sum)) }
            return d.prepared(self, LayerNormOp(arguments: forward, shape: LayerNormShape(rows: r, columns: c)), outputs: outputs,
                              atol: 1e-5, rtol: 1e-5)
        }
    }
}

/// The gradients of a LayerNorm (see `LayerNormBackward`): `dx` overwritten, `dγ`, `dβ` accumulated.
public struct LayerNormBackwardOp: DeviceOp {
    public var arguments: LayerNormBackward
    public var shape: LayerNormShape

    public var call: OpCall { OpCall(Call(rows: shape.rows, columns: shape.columns)) }


    public func validate() throws { try arguments.validate(shape) }

    /// A LayerNorm backward call.
    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var name: OpName { .layerNormBackward }
        public var cost: OpCost {
            OpCost(bytes: Double(12 * rows * columns + 8 * rows + 20 * columns),
                   formula: "12RC (read dy, v; write dx) + 8R + 4C (γ) + 16C (read and write dγ, dβ)")
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (r, c) = (rows, columns)
            let backward = LayerNormBackward(
                gradOutput: try d.floats(r * c, "dy"), input: try d.floats(r * c, "v"),                     // [r, c]
                mean: try d.floats(r, "mean", -0.1, 0.1), rstd: try d.floats(r, "rstd", 0.5, 2),          // [r]
                gamma: try d.floats(c, "gamma", 0.5, 1.5), gradInput: try d.output(r * c, "dx"),
                gradGamma: try d.floats(c, "dgamma"), gradBeta: try d.floats(c, "dbeta"))                 // [c]
            return d.prepared(self, LayerNormBackwardOp(arguments: backward, shape: LayerNormShape(rows: r, columns: c)),
                              outputs: [("dx", backward.gradInput), ("dgamma", backward.gradGamma), ("dbeta", backward.gradBeta)],
                              atol: 1e-4, rtol: 1e-4)
        }
    }
}

extension OpCall {
    public static func layerNorm(rows: Int, columns: Int, residual: Bool, dropout: Bool, storesSum: Bool) -> OpCall {
        OpCall(LayerNormOp.Call(rows: rows, columns: columns, residual: residual, dropout: dropout, storesSum: storesSum))
    }

    public static func layerNormBackward(rows: Int, columns: Int) -> OpCall {
        OpCall(LayerNormBackwardOp.Call(rows: rows, columns: columns))
    }
}

extension Device {
    /// LayerNorm forward with optional fused dropout + residual (`LayerNormOp`).
    public func layerNorm(_ f: LayerNormForward, shape: LayerNormShape, role: OpRole = .unnamed) throws {
        try execute(LayerNormOp(arguments: f, shape: shape), role: role)
    }

    /// LayerNorm backward (`LayerNormBackwardOp`).
    public func layerNormBackward(_ b: LayerNormBackward, shape: LayerNormShape, role: OpRole = .unnamed) throws {
        try execute(LayerNormBackwardOp(arguments: b, shape: shape), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let layerNorm = OpName("layerNorm"), layerNormBackward = OpName("layerNormBackward")
}
