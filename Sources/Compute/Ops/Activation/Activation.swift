// Activations, forward and backward in pairs — GELU (both forms), the FFN's fused bias + GELU, tanh (the
// pooler): descriptors, checks, their calls (cost, replay) and the device sugar. Bodies: Activation+CPU.swift
// (with GELUMath.swift), Activation+OpenCL.swift (Kernels/gelu.cl, Kernels/tanh.cl).

/// The two GELU forms BERT checkpoints use.
public enum GELUKind: String, Sendable, CaseIterable {
    /// Exact form `0.5·x·(1 + erf(x/√2))`: HF `hidden_act: "gelu"`.
    case erf
    /// Google's tanh approximation `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`: Google's `"gelu"`, HF
    /// `"gelu_new"` / `"gelu_pytorch_tanh"`.
    case tanh
}

/// `y = gelu(x)` element-wise. x, y: [N].
public struct GELUOp: DeviceOp {
    public var x, y: BufferView
    public var kind: GELUKind

    public var call: OpCall { OpCall(Call(count: x.count, kind: kind)) }
    public func validate() throws { try OpChecks.floats("gelu", count: x.count, ("x", x), ("y", y)) }

    public struct Call: OpCallKind {
        public var count: Int
        public var kind: GELUKind
        public var name: String { "gelu" }
        public var shape: String { "[\(count)] \(kind)" }
        public var cost: OpCost { .perElement(count, 8, "read x, write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x", -4, 4), y = try d.output(count, "y")              // [n]
            return d.prepared(self, GELUOp(x: x, y: y, kind: kind), outputs: [("y", y)], atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// `dx = dy · gelu'(x)` element-wise (overwrites `dx`). x, dy, dx: [N].
public struct GELUBackwardOp: DeviceOp {
    public var x, dy, dx: BufferView
    public var kind: GELUKind

    public var call: OpCall { OpCall(Call(count: x.count, kind: kind)) }
    public func validate() throws { try OpChecks.floats("geluBackward", count: x.count, ("x", x), ("dy", dy), ("dx", dx)) }

    public struct Call: OpCallKind {
        public var count: Int
        public var kind: GELUKind
        public var name: String { "geluBackward" }
        public var shape: String { "[\(count)] \(kind)" }
        public var cost: OpCost { .perElement(count, 12, "read x or y, dy; write dx") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x", -4, 4), dy = try d.floats(count, "dy"), dx = try d.output(count, "dx")   // [n]
            return d.prepared(self, GELUBackwardOp(x: x, dy: dy, dx: dx, kind: kind), outputs: [("dx", dx)],
                              atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// The FFN's fusion: `x[r, c] += bias[c]` (x keeps the pre-activation for backward), `y = gelu(x)`.
/// x, y: [rows, columns], bias: [columns]. Backward is `GELUBackwardOp` on x plus `SumRowsOp` for the bias.
public struct BiasGELUOp: DeviceOp {
    public var x, bias, y: BufferView
    public var rows, columns: Int
    public var kind: GELUKind

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns, kind: kind)) }
    public func validate() throws {
        try OpChecks.matrix("biasGELU", "x", x, rows: rows, columns: columns)
        try OpChecks.matrix("biasGELU", "y", y, rows: rows, columns: columns)
        try OpChecks.floats("biasGELU", count: columns, ("bias", bias))
    }

    public struct Call: OpCallKind {
        public var rows, columns: Int
        public var kind: GELUKind
        public var name: String { "biasGELU" }
        public var shape: String { "[\(rows), \(columns)] \(kind)" }
        public var cost: OpCost {
            OpCost(bytes: Double(12 * rows * columns + 4 * columns),
                   formula: "12RC + 4C (read x, bias; write x + bias and gelu)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            // x is updated in place (x += bias), as the FFN keeps the pre-activation for backward.
            let (r, c) = (rows, columns)
            let x = try d.floats(r * c, "x", -2, 2), bias = try d.floats(c, "bias", -0.1, 0.1)    // [r, c], [c]
            let y = try d.output(r * c, "y")                                                     // [r, c]
            return d.prepared(self, BiasGELUOp(x: x, bias: bias, y: y, rows: r, columns: c, kind: kind),
                              outputs: [("x", x), ("y", y)], atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// `y = tanh(x)` element-wise (the pooler). x, y: [N].
public struct TanhOp: DeviceOp {
    public var x, y: BufferView

    public var call: OpCall { OpCall(Call(count: x.count)) }
    public func validate() throws { try OpChecks.floats("tanh", count: x.count, ("x", x), ("y", y)) }

    public struct Call: OpCallKind {
        public var count: Int
        public var name: String { "tanh" }
        public var shape: String { "[\(count)]" }
        public var cost: OpCost { .perElement(count, 8, "read x, write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x", -3, 3), y = try d.output(count, "y")              // [n]
            return d.prepared(self, TanhOp(x: x, y: y), outputs: [("y", y)], atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// `dx = dy · (1 − y²)` from the forward's output y. y, dy, dx: [N].
public struct TanhBackwardOp: DeviceOp {
    public var y, dy, dx: BufferView

    public var call: OpCall { OpCall(Call(count: y.count)) }
    public func validate() throws { try OpChecks.floats("tanhBackward", count: y.count, ("y", y), ("dy", dy), ("dx", dx)) }

    public struct Call: OpCallKind {
        public var count: Int
        public var name: String { "tanhBackward" }
        public var shape: String { "[\(count)]" }
        public var cost: OpCost { .perElement(count, 12, "read x or y, dy; write dx") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let y = try d.floats(count, "y"), dy = try d.floats(count, "dy"), dx = try d.output(count, "dx")   // [n]
            return d.prepared(self, TanhBackwardOp(y: y, dy: dy, dx: dx), outputs: [("dx", dx)], atol: 1e-7, rtol: 1e-6)
        }
    }
}

extension OpCall {
    public static func gelu(count: Int, kind: GELUKind) -> OpCall { OpCall(GELUOp.Call(count: count, kind: kind)) }
    public static func geluBackward(count: Int, kind: GELUKind) -> OpCall {
        OpCall(GELUBackwardOp.Call(count: count, kind: kind))
    }
    public static func biasGELU(rows: Int, columns: Int, kind: GELUKind) -> OpCall {
        OpCall(BiasGELUOp.Call(rows: rows, columns: columns, kind: kind))
    }
    public static func tanh(count: Int) -> OpCall { OpCall(TanhOp.Call(count: count)) }
    public static func tanhBackward(count: Int) -> OpCall { OpCall(TanhBackwardOp.Call(count: count)) }
}

extension Device {
    /// `y = gelu(x)` element-wise. x, y: [N].
    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind, role: OpRole = .unnamed) throws {
        try execute(GELUOp(x: x, y: y, kind: kind), role: role)
    }

    /// `dx = dy · gelu'(x)` element-wise (overwrites `dx`). x, dy, dx: [N].
    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView, kind: GELUKind,
                             role: OpRole = .unnamed) throws {
        try execute(GELUBackwardOp(x: x, dy: dy, dx: dx, kind: kind), role: role)
    }

    /// `x[r, c] += bias[c]`, `y = gelu(x)` (`BiasGELUOp`).
    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int, kind: GELUKind,
                         role: OpRole = .unnamed) throws {
        try execute(BiasGELUOp(x: x, bias: bias, y: y, rows: rows, columns: columns, kind: kind), role: role)
    }

    /// `y = tanh(x)` element-wise (the pooler).
    public func tanh(_ x: BufferView, into y: BufferView, role: OpRole = .unnamed) throws {
        try execute(TanhOp(x: x, y: y), role: role)
    }

    /// `dx = dy · (1 − y²)` from the forward's output y.
    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             role: OpRole = .unnamed) throws {
        try execute(TanhBackwardOp(y: y, dy: dy, dx: dx), role: role)
    }
}
