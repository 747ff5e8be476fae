// The CPU twins of Kernels/philox.cl and Kernels/dropout.cl: the C kernels `philox_uniform` and `dropout` of
// Sources/CPUKernels (the same Philox4x32-10 numbers as Philox.swift and the kernels, bit for bit).

extension FillUniformOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .fillUniform), (seed, stream) = (self.seed, self.stream)   // [N]
        let uniforms = device.kernels.table.philox_uniform!
        device.parallel(x.count, grain: 4096) { range in uniforms(seed, stream, range.lowerBound, range.count, xp + range.lowerBound) }
    }
}

extension DropoutOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .dropout), yp = try device.floats(y, .dropout)   // [N], [N]
        let dropout = device.kernels.table.dropout!
        guard config.probability > 0 else {
            if xp != yp { device.parallel(x.count) { range in (yp + range.lowerBound).update(from: xp + range.lowerBound, count: range.count) } }
            return
        }
        Optional(config).withKernelArgument { config in
            device.parallel(x.count, grain: 4096) { range in dropout(xp, yp, config, range.lowerBound, range.upperBound) }
        }
    }
}
