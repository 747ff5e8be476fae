extension CPUDevice {
    public func fill(_ x: BufferView, value: Float) throws {
        try OpChecks.floats("fill", count: x.count, ("x", x))
        let xp = try floats(x, "fill")   // [N]
        parallel(x.count) { range in (xp + range.lowerBound).update(repeating: value, count: range.count) }
    }

    public func copy(_ x: BufferView, to y: BufferView) throws {
        try OpChecks.floats("copy", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "copy"), yp = try floats(y, "copy")   // [N], [N]
        parallel(x.count) { range in (yp + range.lowerBound).update(from: xp + range.lowerBound, count: range.count) }
    }

    public func add(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("add", count: a.count, ("a", a), ("b", b), ("out", out))
        let ap = try floats(a, "add"), bp = try floats(b, "add"), op = try floats(out, "add")   // [N] each
        parallel(a.count) { range in for i in range { op[i] = ap[i] + bp[i] } }
    }

    public func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try OpChecks.floats("multiply", count: a.count, ("a", a), ("b", b), ("out", out))
        let ap = try floats(a, "multiply"), bp = try floats(b, "multiply"), op = try floats(out, "multiply")
        parallel(a.count) { range in for i in range { op[i] = ap[i] * bp[i] } }
    }

    public func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView) throws {
        try OpChecks.floats("axpby", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "axpby"), yp = try floats(y, "axpby")   // [N], [N]
        if beta == 0 {
            // beta = 0 ignores y's old contents entirely (even NaN), as BLAS does.
            parallel(x.count) { range in for i in range { yp[i] = alpha * xp[i] } }
        } else {
            parallel(x.count) { range in for i in range { yp[i] = alpha * xp[i] + beta * yp[i] } }
        }
    }

    public func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int) throws {
        try OpChecks.matrix("addBias", "x", x, rows: rows, columns: columns)
        try OpChecks.matrix("addBias", "out", out, rows: rows, columns: columns)
        try OpChecks.floats("addBias", count: columns, ("bias", bias))
        let xp = try floats(x, "addBias")      // [rows, columns]
        let bp = try floats(bias, "addBias")   // [columns]
        let op = try floats(out, "addBias")    // [rows, columns]
        parallel(rows, grain: max(1, 16_384 / max(columns, 1))) { rowRange in
            for r in rowRange {
                let xr = xp + r * columns, orow = op + r * columns
                for c in 0..<columns { orow[c] = xr[c] + bp[c] }
            }
        }
    }
}

extension CPUDevice {
    public func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                         columns: Int) throws {
        try validateCopyRows(x, xStride, out, outStride, rows, columns)
        let xp = try floats(x, "copyRows"), op = try floats(out, "copyRows")
        for r in 0..<rows { (op + r * outStride).update(from: xp + r * xStride, count: columns) }
    }
}
