// Activations, forward and backward in pairs — GELU (both forms), the FFN's fused bias + GELU, tanh (the
// pooler), SiLU (newer BERT variants): descriptors, checks, their calls (cost, replay) and the device sugar. Bodies:
// Activation+CPU.swift (the C kernels of Sources/CPUKernels), Activation+OpenCL.swift (Kernels/gelu.cl,
// Kernels/tanh.cl, Kernels/silu.cl).

/// The two GELU forms BERT checkpoints use.
public enum GELUKind: String, Sendable, CaseIterable {
    /// Exact form `0.5·x·(1 + erf(x/√2))`: HF `hidden_act: "gelu"`.
    case erf
    /// Google's tanh approximation `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`: Google's `"gelu"`, HF
    /// `"gelu_new"` / `"gelu_pytorch_tanh"`.
    case tanh
}

/// An element-wise activation function of BERT: GELU in either form (the FFN), tanh (the pooler) or SiLU
/// (`x·σ(x)`, HF `hidden_act: "silu"`). Every case is in `allCases`, which the op catalogue runs (`bert selfcheck`,
/// Oclgrind, the kernel-coverage test).
public enum Activation: Sendable, Hashable, CaseIterable {
    case gelu(GELUKind)
    case tanh
    case silu

    /// Both GELU forms, tanh and SiLU.
    public static var allCases: [Activation] { GELUKind.allCases.map { .gelu($0) } + [.tanh, .silu] }

    /// The op names of the forward and the backward (`gelu`, `geluBackward`).
    var names: (forward: OpName, backward: OpName) {
        switch self {
        case .gelu: return (.gelu, .geluBackward)
        case .tanh: return (.tanh, .tanhBackward)
        case .silu: return (.silu, .siluBackward)
        }
    }

    /// The forward's op name.
    var name: OpName { names.forward }
    /// The backward's op name.
    var backwardName: OpName { names.backward }

    /// The GELU form in the shape text (` erf`), nothing for tanh.
    var flags: String {
        switch self {
        case .gelu(let kind): return " \(kind)"
        case .tanh, .silu: return ""
        }
    }
}

/// `y = f(x)` element-wise. x, y: [N].
public struct ActivationOp: DeviceOp {
    public var function: Activation
    public var x, y: BufferView   // [N] each

    public var call: OpCall { OpCall(Call(function: function, count: x.count)) }
    public func validate() throws { try OpChecks.floats(function.name, count: x.count, ("x", x), ("y", y)) }

    public struct Call: VectorCall {
        public var function: Activation
        public var count: Int
        public var name: OpName { function.name }
        public var flags: String { function.flags }
        public var cost: OpCost { .perElement(count, 8, "read x, write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let range: Float = function == .tanh ? 3 : 4
            let x = try d.floats(count, "x", -range, range), y = try d.output(count, "y")   // [n]
            return d.prepared(self, ActivationOp(function: function, x: x, y: y), outputs: [("y", y)], atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// `dx = dy · f'` element-wise (overwrites `dx`): GELU's derivative at the forward's input x, tanh's from the
/// forward's output y (1 − y²). `input` holds x or y accordingly. input, dy, dx: [N].
public struct ActivationBackwardOp: DeviceOp {
    public var function: Activation
    public var input, dy, dx: BufferView   // [N] each

    public var call: OpCall { OpCall(Call(function: function, count: input.count)) }
    public func validate() throws {
        try OpChecks.floats(function.backwardName, count: input.count, (function == .tanh ? "y" : "x", input), ("dy", dy),
                            ("dx", dx))
    }

    public struct Call: VectorCall {
        public var function: Activation
        public var count: Int
        public var name: OpName { function.backwardName }
        public var flags: String { function.flags }
        public var cost: OpCost { .perElement(count, 12, "read x or y, dy; write dx") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (low, high): (Float, Float) = function == .tanh ? (-1, 1) : (-4, 4)   // tanh: y = tanh(x)
            let input = try d.floats(count, "input", low, high), dy = try d.floats(count, "dy")   // [n]
            let dx = try d.output(count, "dx")                                                 // [n]
            return d.prepared(self, ActivationBackwardOp(function: function, input: input, dy: dy, dx: dx), outputs: [("dx", dx)],
                              atol: function == .tanh ? 1e-7 : 1e-6, rtol: function == .tanh ? 1e-6 : 1e-5)
        }
    }
}

/// The FFN's fusion: `x[r, c] += bias[c]` (x keeps the pre-activation for backward), `y = gelu(x)`.
/// x, y: [rows, columns], bias: [columns]. Backward is `ActivationBackwardOp` on x plus `SumRowsOp` for the bias.
public struct BiasGELUOp: DeviceOp {
    public var x, bias, y: BufferView
    public var rows, columns: Int
    public var kind: GELUKind

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns, kind: kind)) }
    public func validate() throws {
        try OpChecks.matrix(.biasGELU, "x", x, rows: rows, columns: columns)
        try OpChecks.matrix(.biasGELU, "y", y, rows: rows, columns: columns)
        try OpChecks.floats(.biasGELU, count: columns, ("bias", bias))
    }

    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var kind: GELUKind
        public var name: OpName { .biasGELU }
        public var flags: String { " \(kind)" }
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

extension OpCall {
    /// `f(x)` over `count` elements.
    public static func activation(_ function: Activation, count: Int) -> OpCall {
        OpCall(ActivationOp.Call(function: function, count: count))
    }
    /// `dy · f'` over `count` elements.
    public static func activationBackward(_ function: Activation, count: Int) -> OpCall {
        OpCall(ActivationBackwardOp.Call(function: function, count: count))
    }
    public static func gelu(count: Int, kind: GELUKind) -> OpCall { OpCall(ActivationOp.Call(function: .gelu(kind), count: count)) }
    public static func geluBackward(count: Int, kind: GELUKind) -> OpCall {
        OpCall(ActivationBackwardOp.Call(function: .gelu(kind), count: count))
    }
    public static func biasGELU(rows: Int, columns: Int, kind: GELUKind) -> OpCall {
        OpCall(BiasGELUOp.Call(rows: rows, columns: columns, kind: kind))
    }
    public static func tanh(count: Int) -> OpCall { OpCall(ActivationOp.Call(function: .tanh, count: count)) }
    public static func tanhBackward(count: Int) -> OpCall { OpCall(ActivationBackwardOp.Call(function: .tanh, count: count)) }
}

extension Device {
    /// `y = gelu(x)` element-wise. x, y: [N].
    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind, role: OpRole = .unnamed) throws {
        try execute(ActivationOp(function: .gelu(kind), x: x, y: y), role: role)
    }

    /// `dx = dy · gelu'(x)` element-wise (overwrites `dx`). x, dy, dx: [N].
    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView, kind: GELUKind,
                             role: OpRole = .unnamed) throws {
        try execute(ActivationBackwardOp(function: .gelu(kind), input: x, dy: dy, dx: dx), role: role)
    }

    /// `x[r, c] += bias[c]`, `y = gelu(x)` (`BiasGELUOp`).
    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int, kind: GELUKind,
                         role: OpRole = .unnamed) throws {
        try execute(BiasGELUOp(x: x, bias: bias, y: y, rows: rows, columns: columns, kind: kind), role: role)
    }

    /// `y = tanh(x)` element-wise (the pooler).
    public func tanh(_ x: BufferView, into y: BufferView, role: OpRole = .unnamed) throws {
        try execute(ActivationOp(function: .tanh, x: x, y: y), role: role)
    }

    /// `dx = dy · (1 − y²)` from the forward's output y.
    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             role: OpRole = .unnamed) throws {
        try execute(ActivationBackwardOp(function: .tanh, input: y, dy: dy, dx: dx), role: role)
    }

    /// `y = x·σ(x)` element-wise. x, y: [N].
    public func silu(_ x: BufferView, into y: BufferView, role: OpRole = .unnamed) throws {
        try execute(ActivationOp(function: .silu, x: x, y: y), role: role)
    }

    /// `dx = dy · σ(x)·(1 + x·(1 − σ(x)))` from the forward's input x (overwrites `dx`). x, dy, dx: [N].
    public func siluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             role: OpRole = .unnamed) throws {
        try execute(ActivationBackwardOp(function: .silu, input: x, dy: dy, dx: dx), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let gelu = OpName("gelu"), geluBackward = OpName("geluBackward"), tanh = OpName("tanh"),
        tanhBackward = OpName("tanhBackward"), biasGELU = OpName("biasGELU"), silu = OpName("silu"),
        siluBackward = OpName("siluBackward")
}
