// The CPU twins of Kernels/elementwise.cl, split across the backend's threads (the arithmetic ones through the C
// kernels of Sources/CPUKernels).

extension FillOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .fill), value = self.value   // [N]
        device.parallel(x.count) { range in (xp + range.lowerBound).update(repeating: value, count: range.count) }
    }
}

extension CopyOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .copy), yp = try device.floats(y, .copy)   // [N], [N]
        device.parallel(x.count) { range in (yp + range.lowerBound).update(from: xp + range.lowerBound, count: range.count) }
    }
}

extension BinaryOp {
    public func run(on device: CPUDevice) throws {
        let name = operation.name
        let ap = try device.floats(a, name), bp = try device.floats(b, name), op = try device.floats(out, name)   // [N] each
        let body = operation == .add ? device.kernels.table.add! : device.kernels.table.multiply!
        device.parallel(a.count) { range in body(ap, bp, op, range.lowerBound, range.upperBound) }
    }
}

extension AXPBYOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .axpby), yp = try device.floats(y, .axpby)   // [N], [N]
        let (alpha, beta, axpby) = (self.alpha, self.beta, device.kernels.table.axpby!)
        // beta = 0 ignores y's old contents entirely (even NaN), as BLAS does.
        device.parallel(x.count) { range in axpby(alpha, xp, beta, yp, range.lowerBound, range.upperBound) }
    }
}

extension AddBiasOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .addBias)      // [rows, columns]
        let bp = try device.floats(bias, .addBias)   // [columns]
        let op = try device.floats(out, .addBias)    // [rows, columns]
        let (columns, addBias) = (self.columns, device.kernels.table.add_bias!)
        device.parallel(rows, grain: max(1, 16_384 / max(columns, 1))) { rowRange in
            addBias(xp, bp, op, columns, rowRange.lowerBound, rowRange.upperBound)
        }
    }
}

extension CopyRowsOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .copyRows), op = try device.floats(out, .copyRows)
        for r in 0..<rows { (op + r * outStride).update(from: xp + r * xStride, count: columns) }
    }
}
