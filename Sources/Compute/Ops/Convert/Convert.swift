// float32 ↔ float16 storage conversion: the pair's rule, the descriptor, its call and the device sugar. Bodies:
// Convert+CPU.swift, Convert+OpenCL.swift (Kernels/convert.cl).

/// What `ConvertOp` does for a pair of element types.
enum Conversion {
    /// float32 → float32 or float16 → float16: a copy.
    case copy32, copy16
    /// float32 → float16, rounded to nearest even.
    case toHalf
    /// float16 → float32, exact.
    case toFloat

    /// The conversion between two views of the same element count, or a `ComputeError` naming the problem.
    static func between(_ x: BufferView, _ y: BufferView) throws -> Conversion {
        for (name, view, other) in [("x", x, y), ("y", y, x)] where view.dtype == .int32 {
            throw ComputeError.dtypeMismatch(operation: "convert \(name) (float32 ↔ float16 only)",
                                             expected: other.dtype == .float32 ? .float16 : .float32, got: view.dtype)
        }
        guard x.count == y.count else {
            throw ComputeError.shapeMismatch(operation: OpName.convert.rawValue,
                detail: "x ('\(x.label)') has \(x.count) elements, y ('\(y.label)') has \(y.count)")
        }
        switch (x.dtype, y.dtype) {
        case (.float32, .float16): return .toHalf
        case (.float16, .float32): return .toFloat
        case (.float16, .float16): return .copy16
        default: return .copy32
        }
    }
}

/// `y[i] = x[i]` converted between storage types: float32 → float16 rounds to nearest even (overflow → ±inf, NaN
/// stays NaN, subnormals rounded correctly), float16 → float32 is exact, the same type is a copy. x, y: [N] of
/// float32 or float16 (any other type throws). Bit-identical on every backend (OpenCL's `vstore_half_rte` /
/// `vload_half`). When the types differ, y must not overlap x.
public struct ConvertOp: DeviceOp {
    public var x, y: BufferView

    public var call: OpCall { OpCall(Call(count: x.count, from: x.dtype, to: y.dtype)) }
    public func validate() throws { _ = try Conversion.between(x, y) }

    public struct Call: VectorCall {
        public var count: Int
        public var from, to: DType
        public var name: OpName { .convert }
        public var flags: String { " \(from) → \(to)" }
        public var cost: OpCost { OpCost(bytes: Double(6 * count), formula: "6N (4-byte side + 2-byte side)") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let x: BufferView   // [n]: float16 inputs hold the same kind of values, converted on the host as the devices do
            if from == .float16 {
                let bits = (0..<count).map { _ in HalfFloat.halfBits((8 * d.random.nextUnitFloat() - 4).bitPattern) }
                x = try d.device.allocate(count, .float16, label: "replay half input")
                try d.device.write(bits, to: x)
            } else {
                x = try d.floats(count, "x", -4, 4)
            }
            let y = try d.device.allocate(count, to, label: "replay converted")           // [n]
            return d.prepared(self, ConvertOp(x: x, y: y), outputs: [("y", y)], atol: 0, rtol: 0)
        }
    }
}

extension OpCall {
    public static func convert(count: Int, from: DType, to: DType) -> OpCall { OpCall(ConvertOp.Call(count: count, from: from, to: to)) }
}

extension Device {
    /// `y[i] = x[i]` converted between float32 and float16 storage (`ConvertOp`).
    public func convert(_ x: BufferView, into y: BufferView, role: OpRole = .unnamed) throws {
        try execute(ConvertOp(x: x, y: y), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let convert = OpName("convert")
}
