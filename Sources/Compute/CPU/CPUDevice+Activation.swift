extension CPUDevice {
    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws {
        try OpChecks.floats("gelu", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "gelu"), yp = try floats(y, "gelu")      // [N], [N]
        parallel(x.count, grain: 4096) { range in
            for i in range { yp[i] = GELUMath.forward(xp[i], kind) }
        }
    }

    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             kind: GELUKind) throws {
        try OpChecks.floats("geluBackward", count: x.count, ("x", x), ("dy", dy), ("dx", dx))
        let xp = try floats(x, "geluBackward")     // [N]
        let dyp = try floats(dy, "geluBackward")   // [N]
        let dxp = try floats(dx, "geluBackward")   // [N]
        parallel(x.count, grain: 4096) { range in
            for i in range { dxp[i] = dyp[i] * GELUMath.derivative(xp[i], kind) }
        }
    }
}
