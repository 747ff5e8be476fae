// Element-wise ops on float32 views — fill, copy, add, multiply, axpby, addBias, copyRows: descriptors, checks,
// their calls (cost, replay) and the device sugar. Outputs may alias inputs (each element is independent).
// Bodies: Elementwise+CPU.swift, Elementwise+OpenCL.swift (Kernels/elementwise.cl).

/// `x[i] = value`. x: [N].
public struct FillOp: DeviceOp {
    public var x: BufferView
    public var value: Float

    public var call: OpCall { OpCall(Call(count: x.count)) }
    public func validate() throws { try OpChecks.floats(.fill, count: x.count, ("x", x)) }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .fill }
        public var cost: OpCost { .perElement(count, 4, "write") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.output(count, "x")                                              // [n]
            return d.prepared(self, FillOp(x: x, value: 0.25), outputs: [("x", x)], atol: 0, rtol: 0)
        }
    }
}

/// `y[i] = x[i]`. x, y: [N].
public struct CopyOp: DeviceOp {
    public var x, y: BufferView

    public var call: OpCall { OpCall(Call(count: x.count)) }
    public func validate() throws { try OpChecks.floats(.copy, count: x.count, ("x", x), ("y", y)) }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .copy }
        public var cost: OpCost { .perElement(count, 8, "read x, write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x"), y = try d.output(count, "y")                // [n]
            return d.prepared(self, CopyOp(x: x, y: y), outputs: [("y", y)], atol: 0, rtol: 0)
        }
    }
}

/// `out[i] = a[i] + b[i]` (`.add`) or `a[i] * b[i]` (`.multiply`). a, b, out: [N].
public struct BinaryOp: DeviceOp {
    /// The two element-wise binary operations.
    public enum Operation: Sendable, Hashable {
        case add
        case multiply

        /// The op's name: `add` or `multiply`.
        public var name: OpName { self == .add ? .add : .multiply }
    }

    public var operation: Operation
    public var a, b, out: BufferView

    public var call: OpCall { OpCall(Call(operation: operation, count: a.count)) }
    public func validate() throws {
        try OpChecks.floats(operation.name, count: a.count, ("a", a), ("b", b), ("out", out))
    }

    public struct Call: VectorCall {
        public var operation: Operation
        public var count: Int
        public var name: OpName { operation.name }
        public var cost: OpCost { .perElement(count, 12, "read a, b; write out") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let a = try d.floats(count, "a"), b = try d.floats(count, "b"), out = try d.output(count, "out")   // [n]
            return d.prepared(self, BinaryOp(operation: operation, a: a, b: b, out: out), outputs: [("out", out)], atol: 0, rtol: 0)
        }
    }
}

/// `y[i] = alpha · x[i] + beta · y[i]` (gradient accumulation and scaling; `beta = 0` ignores old `y`, even NaN,
/// as BLAS does). x, y: [N].
public struct AXPBYOp: DeviceOp {
    public var alpha: Float
    public var x: BufferView
    public var beta: Float
    public var y: BufferView

    public var call: OpCall { OpCall(Call(count: x.count)) }
    public func validate() throws { try OpChecks.floats(.axpby, count: x.count, ("x", x), ("y", y)) }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .axpby }
        public var cost: OpCost { .perElement(count, 12, "read x, y; write y") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x"), y = try d.floats(count, "y")                // [n]
            return d.prepared(self, AXPBYOp(alpha: 0.5, x: x, beta: 0.5, y: y), outputs: [("y", y)], atol: 1e-7, rtol: 1e-6)
        }
    }
}

/// `out[r, c] = x[r, c] + bias[c]`. x, out: [rows, columns], bias: [columns].
public struct AddBiasOp: DeviceOp {
    public var x, bias, out: BufferView
    public var rows, columns: Int

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns)) }
    public func validate() throws {
        try OpChecks.matrix(.addBias, "x", x, rows: rows, columns: columns)
        try OpChecks.matrix(.addBias, "out", out, rows: rows, columns: columns)
        try OpChecks.floats(.addBias, count: columns, ("bias", bias))
    }

    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var name: OpName { .addBias }
        public var cost: OpCost {
            OpCost(bytes: Double(8 * rows * columns + 4 * columns),
                   formula: "8RC + 4C (read x, bias; write out)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (r, c) = (rows, columns)
            let x = try d.floats(r * c, "x"), bias = try d.floats(c, "bias"), out = try d.output(r * c, "out")  // [r, c], [c]
            return d.prepared(self, AddBiasOp(x: x, bias: bias, out: out, rows: r, columns: c), outputs: [("out", out)],
                              atol: 0, rtol: 0)
        }
    }
}

/// `out[r·outStride + c] = x[r·xStride + c]` for `rows × columns` (e.g. gathering the [CLS] rows).
public struct CopyRowsOp: DeviceOp {
    public var x: BufferView
    public var xStride: Int
    public var out: BufferView
    public var outStride, rows, columns: Int

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns, sourceStride: xStride, destinationStride: outStride)) }

    public func validate() throws {
        for (name, view, stride) in [("x", x, xStride), ("out", out, outStride)] {
            guard view.dtype == .float32 else {
                throw ComputeError.dtypeMismatch(operation: "copyRows \(name)", expected: .float32, got: view.dtype)
            }
            let extent = rows == 0 ? 0 : (rows - 1) * stride + columns
            guard stride >= columns, extent <= view.count else {
                throw ComputeError.shapeMismatch(operation: OpName.copyRows.rawValue,
                    detail: "\(name) ('\(view.label)') of \(view.count) elements cannot hold \(rows) rows of \(columns) at stride \(stride)")
            }
        }
    }

    public struct Call: MatrixCall {
        public var rows, columns, sourceStride, destinationStride: Int
        public var name: OpName { .copyRows }
        public var flags: String { " stride \(sourceStride) → \(destinationStride)" }
        public var cost: OpCost {
            OpCost(bytes: Double(8 * rows * columns),
                   formula: "8RC (read and write R rows of C)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (r, c, xs, ys) = (rows, columns, sourceStride, destinationStride)
            let x = try d.floats(r == 0 ? 0 : (r - 1) * xs + c, "x")                     // r rows of c at stride xs
            let out = try d.output(r == 0 ? 0 : (r - 1) * ys + c, "out")                  // r rows of c at stride ys
            return d.prepared(self, CopyRowsOp(x: x, xStride: xs, out: out, outStride: ys, rows: r, columns: c),
                              outputs: [("out", out)], atol: 0, rtol: 0)
        }
    }
}

extension OpCall {
    public static func fill(count: Int) -> OpCall { OpCall(FillOp.Call(count: count)) }
    public static func copy(count: Int) -> OpCall { OpCall(CopyOp.Call(count: count)) }
    public static func add(count: Int) -> OpCall { OpCall(BinaryOp.Call(operation: .add, count: count)) }
    public static func multiply(count: Int) -> OpCall { OpCall(BinaryOp.Call(operation: .multiply, count: count)) }
    public static func axpby(count: Int) -> OpCall { OpCall(AXPBYOp.Call(count: count)) }
    public static func addBias(rows: Int, columns: Int) -> OpCall { OpCall(AddBiasOp.Call(rows: rows, columns: columns)) }
    public static func copyRows(rows: Int, columns: Int, sourceStride: Int, destinationStride: Int) -> OpCall {
        OpCall(CopyRowsOp.Call(rows: rows, columns: columns, sourceStride: sourceStride, destinationStride: destinationStride))
    }
}

extension Device {
    /// `x[i] = value`.
    public func fill(_ x: BufferView, value: Float, role: OpRole = .unnamed) throws {
        try execute(FillOp(x: x, value: value), role: role)
    }

    /// `y[i] = x[i]`.
    public func copy(_ x: BufferView, to y: BufferView, role: OpRole = .unnamed) throws {
        try execute(CopyOp(x: x, y: y), role: role)
    }

    /// `out[i] = a[i] + b[i]` (residual connections).
    public func add(_ a: BufferView, _ b: BufferView, into out: BufferView, role: OpRole = .unnamed) throws {
        try execute(BinaryOp(operation: .add, a: a, b: b, out: out), role: role)
    }

    /// `out[i] = a[i] * b[i]`.
    public func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView, role: OpRole = .unnamed) throws {
        try execute(BinaryOp(operation: .multiply, a: a, b: b, out: out), role: role)
    }

    /// `y[i] = alpha * x[i] + beta * y[i]` (`beta = 0` ignores old `y`).
    public func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView, role: OpRole = .unnamed) throws {
        try execute(AXPBYOp(alpha: alpha, x: x, beta: beta, y: y), role: role)
    }

    /// `out[r, c] = x[r, c] + bias[c]` for x, out: [rows, columns], bias: [columns].
    public func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int,
                        role: OpRole = .unnamed) throws {
        try execute(AddBiasOp(x: x, bias: bias, out: out, rows: rows, columns: columns), role: role)
    }

    /// `out[r·outStride + c] = x[r·xStride + c]` for `rows × columns`.
    public func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                         columns: Int, role: OpRole = .unnamed) throws {
        try execute(CopyRowsOp(x: x, xStride: xStride, out: out, outStride: outStride, rows: rows, columns: columns),
                    role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let fill = OpName("fill"), copy = OpName("copy"), add = OpName("add"),
        multiply = OpName("multiply"), axpby = OpName("axpby"), addBias = OpName("addBias"),
        copyRows = OpName("copyRows")
}
