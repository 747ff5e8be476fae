/// What `convert(_:into:)` does for a pair of element types.
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
            throw ComputeError.shapeMismatch(operation: "convert",
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
