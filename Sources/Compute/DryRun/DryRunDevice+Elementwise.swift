// Element-wise, conversion, activation and dropout ops of the dry run: the real backends' checks, no compute.

extension DryRunDevice {
    public func fill(_ x: BufferView, value: Float) throws {
        try OpChecks.floats("fill", count: x.count, ("x", x))
        try executed("fill", x)
    }

    public func copy(_ x: BufferView, to y: BufferView) throws {
        try OpChecks.floats("copy", count: x.count, ("x", x), ("y", y))
        try executed("copy", x, y)
    }

    public func add(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("add", count: a.count, ("a", a), ("b", b), ("out", out))
        try executed("add", a, b, out)
    }

    public func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("multiply", count: a.count, ("a", a), ("b", b), ("out", out))
        try executed("multiply", a, b, out)
    }

    public func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView) throws {
        try OpChecks.floats("axpby", count: x.count, ("x", x), ("y", y))
        try executed("axpby", x, y)
    }

    public func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int) throws {
        try OpChecks.matrix("addBias", "x", x, rows: rows, columns: columns)
        try OpChecks.matrix("addBias", "out", out, rows: rows, columns: columns)
        try OpChecks.floats("addBias", count: columns, ("bias", bias))
        try executed("addBias", x, bias, out)
    }

    public func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                         columns: Int) throws {
        try validateCopyRows(x, xStride, out, outStride, rows, columns)
        try executed("copyRows", x, out)
    }

    public func convert(_ x: BufferView, into y: BufferView) throws {
        _ = try Conversion.between(x, y)
        try executed("convert", x, y)
    }

    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws {
        try OpChecks.floats("gelu", count: x.count, ("x", x), ("y", y))
        try executed("gelu", x, y)
    }

    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             kind: GELUKind) throws {
        try OpChecks.floats("geluBackward", count: x.count, ("x", x), ("dy", dy), ("dx", dx))
        try executed("geluBackward", x, dy, dx)
    }

    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int,
                         kind: GELUKind) throws {
        try validateBiasGELU(x, bias, y, rows: rows, columns: columns)
        try executed("biasGELU", x, bias, y)
    }

    public func tanh(_ x: BufferView, into y: BufferView) throws {
        try OpChecks.floats("tanh", count: x.count, ("x", x), ("y", y))
        try executed("tanh", x, y)
    }

    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView) throws {
        try OpChecks.floats("tanhBackward", count: y.count, ("y", y), ("dy", dy), ("dx", dx))
        try executed("tanhBackward", y, dy, dx)
    }

    public func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64) throws {
        try OpChecks.floats("fillUniform", count: x.count, ("x", x))
        try executed("fillUniform", x)
    }

    public func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig) throws {
        try config.validate("dropout")
        try OpChecks.floats("dropout", count: x.count, ("x", x), ("y", y))
        try executed("dropout", x, y)
    }

    public func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig) throws {
        try dropout(dy, into: dx, config: config)
    }
}
