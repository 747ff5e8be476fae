import Compute

/// Rows and features of a dense layer `y = x·Wᵀ + b` with W: [out, in] (PyTorch's layout), and the GEMMs it runs —
/// the ones `Device.linear` / `linearBackward` call and `GEMMCensus` lists.
public struct LinearShape: Sendable, Equatable {
    /// Rows of x and y (tokens, or examples for the pooler and heads).
    public var rows: Int
    /// Columns of x (W's second dimension).
    public var inFeatures: Int
    /// Columns of y (W's first dimension).
    public var outFeatures: Int

    /// y = x·Wᵀ: [rows, out].
    public var forward: GEMMShape { GEMMShape(m: rows, n: outFeatures, k: inFeatures, transB: .transposed) }
    /// dW += dyᵀ·x: [out, in].
    public var weightGradient: GEMMShape { GEMMShape(m: outFeatures, n: inFeatures, k: rows, transA: .transposed, beta: 1) }
    /// dx = dy·W (β = 1: dx += dy·W): [rows, in].
    public func inputGradient(accumulate: Bool = false) -> GEMMShape {
        GEMMShape(m: rows, n: inFeatures, k: outFeatures, beta: accumulate ? 1 : 0)
    }

    /// Forward, and in training dW and dx: the layer's GEMMs in the order a step runs them.
    public func gemms(training: Bool) -> [GEMMShape] {
        training ? [forward, weightGradient, inputGradient()] : [forward]
    }
}

extension Device {
    /// `y = x·Wᵀ (+ b)`. x: [rows, in], W: [out, in], b: [out], y: [rows, out]. `role` names the layer ("QKV", with
    /// its encoder layer); its calls are "<name> forward" and "<name> bias".
    func linear(_ x: BufferView, weight: BufferView, bias: BufferView?, into y: BufferView, shape s: LinearShape,
                role: OpRole) throws {
        try gemm(s.forward, a: x, b: weight, c: y, role: role.site("\(role.site) forward"))
        if let bias {
            try addBias(y, bias: bias, into: y, rows: s.rows, columns: s.outFeatures, role: role.site("\(role.site) bias"))
        }
    }

    /// Gradients of `linear`: `dW += dyᵀ·x`, `db += Σ_rows dy` (parameter gradients accumulate) and, when
    /// `gradInput` is given, `dx = dy·W` (or `dx += dy·W` with `accumulateInput`). Its calls are "<name> dW",
    /// "<name> bias gradient" and "<name> dx".
    func linearBackward(gradOutput dy: BufferView, input x: BufferView, weight: BufferView, gradInput dx: BufferView?,
                        gradWeight dW: BufferView, gradBias db: BufferView?, shape s: LinearShape,
                        accumulateInput: Bool = false, role: OpRole) throws {
        try gemm(s.weightGradient, a: dy, b: x, c: dW, role: role.site("\(role.site) dW"))
        if let db {
            try sumRows(dy, rows: s.rows, columns: s.outFeatures, into: db, accumulate: true,
                        role: role.site("\(role.site) bias gradient"))
        }
        if let dx {
            try gemm(s.inputGradient(accumulate: accumulateInput), a: dy, b: weight, c: dx, role: role.site("\(role.site) dx"))
        }
    }
}
