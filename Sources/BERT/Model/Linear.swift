import Compute

/// Rows and features of a dense layer `y = x·Wᵀ + b` with W: [out, in] (PyTorch's layout).
struct LinearShape {
    var rows: Int
    var inFeatures: Int
    var outFeatures: Int
}

extension Device {
    /// `y = x·Wᵀ (+ b)`. x: [rows, in], W: [out, in], b: [out], y: [rows, out]. `role` names the layer ("QKV", with
    /// its encoder layer); its calls are "<name> forward" and "<name> bias".
    func linear(_ x: BufferView, weight: BufferView, bias: BufferView?, into y: BufferView, shape s: LinearShape,
                role: OpRole) throws {
        try gemm(GEMMShape(m: s.rows, n: s.outFeatures, k: s.inFeatures, transB: .transposed), a: x, b: weight, c: y,
                 role: role.site("\(role.site) forward"))
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
        try gemm(GEMMShape(m: s.outFeatures, n: s.inFeatures, k: s.rows, transA: .transposed, beta: 1), a: dy, b: x, c: dW,
                 role: role.site("\(role.site) dW"))
        if let db {
            try sumRows(dy, rows: s.rows, columns: s.outFeatures, into: db, accumulate: true,
                        role: role.site("\(role.site) bias gradient"))
        }
        if let dx {
            try gemm(GEMMShape(m: s.rows, n: s.inFeatures, k: s.outFeatures, beta: accumulateInput ? 1 : 0),
                     a: dy, b: weight, c: dx, role: role.site("\(role.site) dx"))
        }
    }
}
