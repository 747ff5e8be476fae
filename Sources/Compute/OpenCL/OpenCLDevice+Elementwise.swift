// Element-wise, activation and reduction ops on OpenCL: argument checks, then one kernel launch each.
// Kernels: Kernels/elementwise.cl, Kernels/gelu.cl, Kernels/reduce.cl.

extension OpenCLDevice {
    public func fill(_ x: BufferView, value: Float) throws {
        try OpChecks.floats("fill", count: x.count, ("x", x))
        try launch("fill_f32", in: "elementwise.cl", global: [x.count], [.count(x.count), .buffer(x), .float(value)])
    }

    public func copy(_ x: BufferView, to y: BufferView) throws {
        try OpChecks.floats("copy", count: x.count, ("x", x), ("y", y))
        try launch("copy_f32", in: "elementwise.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }

    public func add(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("add", count: a.count, ("a", a), ("b", b), ("out", out))
        try launch("add_f32", in: "elementwise.cl", global: [a.count],
                   [.count(a.count), .buffer(a), .buffer(b), .buffer(out)])
    }

    public func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("multiply", count: a.count, ("a", a), ("b", b), ("out", out))
        try launch("mul_f32", in: "elementwise.cl", global: [a.count],
                   [.count(a.count), .buffer(a), .buffer(b), .buffer(out)])
    }

    public func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView) throws {
        try OpChecks.floats("axpby", count: x.count, ("x", x), ("y", y))
        try launch("axpby_f32", in: "elementwise.cl", global: [x.count],
                   [.count(x.count), .float(alpha), .buffer(x), .float(beta), .buffer(y)])
    }

    public func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int) throws {
        try OpChecks.matrix("addBias", "x", x, rows: rows, columns: columns)
        try OpChecks.matrix("addBias", "out", out, rows: rows, columns: columns)
        try OpChecks.floats("addBias", count: columns, ("bias", bias))
        try launch("add_bias_f32", in: "elementwise.cl", global: [rows * columns],
                   [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(out)])
    }

    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws {
        try OpChecks.floats("gelu", count: x.count, ("x", x), ("y", y))
        try launch("gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [x.count],
                   [.count(x.count), .buffer(x), .buffer(y)])
    }

    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             kind: GELUKind) throws {
        try OpChecks.floats("geluBackward", count: x.count, ("x", x), ("dy", dy), ("dx", dx))
        try launch("gelu_backward_\(kind.rawValue)", in: "gelu.cl", global: [x.count],
                   [.count(x.count), .buffer(x), .buffer(dy), .buffer(dx)])
    }

    public func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                         columns: Int) throws {
        try validateCopyRows(x, xStride, out, outStride, rows, columns)
        try launch("copy_rows_f32", in: "elementwise.cl", global: [rows * columns],
                   [.count(rows), .count(columns), .buffer(x), .count(xStride), .buffer(out), .count(outStride)])
    }

    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int,
                         kind: GELUKind) throws {
        try validateBiasGELU(x, bias, y, rows: rows, columns: columns)
        try launch("bias_gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [rows * columns],
                   [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(y)])
    }

    public func tanh(_ x: BufferView, into y: BufferView) throws {
        try OpChecks.floats("tanh", count: x.count, ("x", x), ("y", y))
        try launch("tanh_forward", in: "tanh.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }

    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView) throws {
        try OpChecks.floats("tanhBackward", count: y.count, ("y", y), ("dy", dy), ("dx", dx))
        try launch("tanh_backward", in: "tanh.cl", global: [y.count],
                   [.count(y.count), .buffer(y), .buffer(dy), .buffer(dx)])
    }

    public func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.matrix("sumRows", "x", x, rows: rows, columns: columns)
        try OpChecks.floats("sumRows", count: columns, ("out", out))
        try launch("sum_rows_f32", in: "reduce.cl", global: [columns],
                   [.count(rows), .count(columns), .buffer(x), .buffer(out), .uint(accumulate ? 1 : 0)])
    }
}
