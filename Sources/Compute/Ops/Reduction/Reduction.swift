// Reductions — column sums (bias gradients) and the sum of squares (the global gradient norm): descriptors, checks,
// their calls (cost, replay) and the device sugar. Every reduction sums in a fixed order, so results are
// deterministic run to run and do not depend on the thread count. Bodies: Reduction+CPU.swift,
// Reduction+OpenCL.swift (Kernels/reduce.cl).

/// Column sums of x: [rows, columns] into out: [columns] (a bias gradient). With `accumulate`, `out += Σ_r x[r, :]`
/// (parameter gradients accumulate); otherwise `out = Σ_r x[r, :]`.
public struct SumRowsOp: DeviceOp {
    public var x: BufferView
    public var rows, columns: Int
    public var out: BufferView
    public var accumulate: Bool

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns, accumulate: accumulate)) }
    public func validate() throws {
        try OpChecks.matrix(.sumRows, "x", x, rows: rows, columns: columns)
        try OpChecks.floats(.sumRows, count: columns, ("out", out))
    }

    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var accumulate: Bool
        public var name: OpName { .sumRows }
        public var flags: String { (accumulate ? " +=" : "") }
        public var cost: OpCost {
            OpCost(bytes: Double(4 * rows * columns + (accumulate ? 8 : 4) * columns),
                   formula: accumulate ? "4RC + 8C (read x; read and write out)" : "4RC + 4C")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(rows * columns, "x"), out = try d.floats(columns, "out")     // [r, c], [c]
            return d.prepared(self, SumRowsOp(x: x, rows: rows, columns: columns, out: out, accumulate: accumulate),
                              outputs: [("out", out)], atol: 1e-5, rtol: 1e-5)
        }
    }
}

/// `out[0] = Σ x²` (or `+=` with `accumulate`), summed in a fixed order. x: [N], out: [1].
public struct SumOfSquaresOp: DeviceOp {
    public var x, out: BufferView
    public var accumulate: Bool

    public var call: OpCall { OpCall(Call(count: x.count, accumulate: accumulate)) }
    public func validate() throws {
        try OpChecks.floats(.sumOfSquares, count: 1, ("out", out))
        guard x.dtype == .float32 else {
            throw ComputeError.dtypeMismatch(operation: OpName.sumOfSquares.rawValue, expected: .float32, got: x.dtype)
        }
    }

    /// As `OpenCLDevice.reductionScratch()`: the partial sums are allocated on first use unless reserved.
    public func dryRun(on device: DryRunDevice) throws {
        if device.openCLTarget != nil {
            try device.reductionPartials.ensure(device.kernelScratchBytes, allocate: device.allocateMemory)
        }
    }

    public struct Call: VectorCall {
        public var count: Int
        public var accumulate: Bool
        public var name: OpName { .sumOfSquares }
        public var flags: String { (accumulate ? " +=" : "") }
        public var cost: OpCost { .perElement(count, 4, "read") }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x = try d.floats(count, "x"), out = try d.output(1, "out", 1)                 // [n], [1]
            return d.prepared(self, SumOfSquaresOp(x: x, out: out, accumulate: accumulate), outputs: [("out", out)],
                              atol: 0, rtol: 1e-4)
        }
    }
}

extension OpCall {
    public static func sumRows(rows: Int, columns: Int, accumulate: Bool) -> OpCall {
        OpCall(SumRowsOp.Call(rows: rows, columns: columns, accumulate: accumulate))
    }
    public static func sumOfSquares(count: Int, accumulate: Bool) -> OpCall {
        OpCall(SumOfSquaresOp.Call(count: count, accumulate: accumulate))
    }
}

extension Device {
    /// Column sums of x: [rows, columns] into out: [columns] (`SumRowsOp`).
    public func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool,
                        role: OpRole = .unnamed) throws {
        try execute(SumRowsOp(x: x, rows: rows, columns: columns, out: out, accumulate: accumulate), role: role)
    }

    /// `out[0] = Σ x²` (or `+=` with `accumulate`), summed in a fixed order. out: [1].
    public func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool, role: OpRole = .unnamed) throws {
        try execute(SumOfSquaresOp(x: x, out: out, accumulate: accumulate), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let sumRows = OpName("sumRows"), sumOfSquares = OpName("sumOfSquares")
}
