// The CPU twins of Kernels/elementwise.cl, split across the backend's threads.

extension FillOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "fill"), value = self.value   // [N]
        device.parallel(x.count) { range in (xp + range.lowerBound).update(repeating: value, count: range.count) }
    }
}

extension CopyOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "copy"), yp = try device.floats(y, "copy")   // [N], [N]
        device.parallel(x.count) { range in (yp + range.lowerBound).update(from: xp + range.lowerBound, count: range.count) }
    }
}

extension BinaryOp {
    public func run(on device: CPUDevice) throws {
        let name = operation.rawValue
        let ap = try device.floats(a, name), bp = try device.floats(b, name), op = try device.floats(out, name)   // [N] each
        switch operation {
        case .add: device.parallel(a.count) { range in for i in range { op[i] = ap[i] + bp[i] } }
        case .multiply: device.parallel(a.count) { range in for i in range { op[i] = ap[i] * bp[i] } }
        }
    }
}

extension AXPBYOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "axpby"), yp = try device.floats(y, "axpby")   // [N], [N]
        let (alpha, beta) = (self.alpha, self.beta)
        if beta == 0 {
            // beta = 0 ignores y's old contents entirely (even NaN), as BLAS does.
            device.parallel(x.count) { range in for i in range { yp[i] = alpha * xp[i] } }
        } else {
            device.parallel(x.count) { range in for i in range { yp[i] = alpha * xp[i] + beta * yp[i] } }
        }
    }
}

extension AddBiasOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "addBias")      // [rows, columns]
        let bp = try device.floats(bias, "addBias")   // [columns]
        let op = try device.floats(out, "addBias")    // [rows, columns]
        let columns = self.columns
        device.parallel(rows, grain: max(1, 16_384 / max(columns, 1))) { rowRange in
            for r in rowRange {
                let xr = xp + r * columns, orow = op + r * columns
                for c in 0..<columns { orow[c] = xr[c] + bp[c] }
            }
        }
    }
}

extension CopyRowsOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "copyRows"), op = try device.floats(out, "copyRows")
        for r in 0..<rows { (op + r * outStride).update(from: xp + r * xStride, count: columns) }
    }
}
