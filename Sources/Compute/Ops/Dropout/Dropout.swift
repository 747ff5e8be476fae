// Counter-based random numbers (Philox4x32-10, identical on every device) and dropout: the mask rule, the
// descriptors, their calls and the device sugar. Bodies: Dropout+CPU.swift (with Philox.swift), Dropout+OpenCL.swift
// (Kernels/philox.cl, Kernels/dropout.cl).

/// Where a dropout mask comes from: element i of a tensor is dropped when
/// `Philox.uniform(seed, stream, i) < probability`. Masks are never stored; backward redraws them.
///
/// `stream` tells dropout sites apart (layer, site, step), so the same seed gives independent masks.
public struct DropoutConfig: Sendable, Equatable {
    public var probability: Float
    public var seed: UInt64
    public var stream: UInt64

    public init(probability: Float, seed: UInt64, stream: UInt64) {
        (self.probability, self.seed, self.stream) = (probability, seed, stream)
    }

    /// Kept elements are scaled by 1 / (1 − p) (inverted dropout).
    public var scale: Float { 1 / (1 - probability) }

    func validate(_ operation: OpName) throws {
        guard probability >= 0, probability < 1 else {
            throw ComputeError.shapeMismatch(operation: operation.rawValue,
                                             detail: "dropout probability must be in [0, 1), got \(probability)")
        }
    }
}

/// `x[i] = Philox.uniform(seed, stream, i)` for i in 0..<x.count (the counter-based uniforms dropout draws).
public struct FillUniformOp: DeviceOp {
    public var x: BufferView
    public var seed, stream: UInt64

    public var call: OpCall { OpCall(Call(count: x.count)) }
    public func validate() throws { try OpChecks.floats(.fillUniform, count: x.count, ("x", x)) }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .fillUniform }
        public var cost: OpCost { .perElement(count, 4, "write") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.output(count, "x")                                              // [n]
            return d.prepared(self, FillUniformOp(x: x, seed: 42, stream: 7), outputs: [("x", x)], atol: 0, rtol: 0)
        }
    }
}

/// `y = dropout(x)` with the mask of `config` (y may alias x); with `backward`, the same mask and scale applied to
/// a gradient, `dx = dropout'(dy)` — the same arithmetic, named apart so profiles and traces tell them apart.
public struct DropoutOp: DeviceOp {
    public var x, y: BufferView
    public var config: DropoutConfig
    public var backward: Bool = false

    public var call: OpCall { OpCall(Call(count: x.count, backward: backward)) }
    public func validate() throws {
        try config.validate(.dropout)
        try OpChecks.floats(.dropout, count: x.count, ("x", x), ("y", y))
    }

    public struct Call: VectorCall {
        public var count: Int
        public var backward: Bool = false
        public var name: OpName { backward ? .dropoutBackward : .dropout }
        public var cost: OpCost { .perElement(count, 8, "read x, write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x"), y = try d.output(count, "y")                // [n]
            return d.prepared(self, DropoutOp(x: x, y: y, config: d.dropout, backward: backward), outputs: [("y", y)],
                              atol: 0, rtol: 1e-7)
        }
    }
}

extension OpCall {
    public static func fillUniform(count: Int) -> OpCall { OpCall(FillUniformOp.Call(count: count)) }
    public static func dropout(count: Int) -> OpCall { OpCall(DropoutOp.Call(count: count, backward: false)) }
    public static func dropoutBackward(count: Int) -> OpCall { OpCall(DropoutOp.Call(count: count, backward: true)) }
}

extension Device {
    /// `x[i] = Philox.uniform(seed, stream, i)` for i in 0..<x.count.
    public func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64, role: OpRole = .unnamed) throws {
        try execute(FillUniformOp(x: x, seed: seed, stream: stream), role: role)
    }

    /// `y = dropout(x)` with the mask of `config` (y may alias x).
    public func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig, role: OpRole = .unnamed) throws {
        try execute(DropoutOp(x: x, y: y, config: config), role: role)
    }

    /// `dx = dropout'(dy)`: the same mask and scale applied to the gradient (dx may alias dy).
    public func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig, role: OpRole = .unnamed) throws {
        try execute(DropoutOp(x: dy, y: dx, config: config, backward: true), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let fillUniform = OpName("fillUniform"), dropout = OpName("dropout"),
        dropoutBackward = OpName("dropoutBackward")
}
