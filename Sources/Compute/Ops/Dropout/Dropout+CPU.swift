// The CPU twins of Kernels/philox.cl and Kernels/dropout.cl (Philox.swift draws the same numbers).

extension FillUniformOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "fillUniform"), (seed, stream) = (self.seed, self.stream)   // [N]
        device.parallel(x.count, grain: 4096) { range in
            for i in range { xp[i] = Philox.uniform(seed: seed, stream: stream, index: UInt64(i)) }
        }
    }
}

extension DropoutOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "dropout"), yp = try device.floats(y, "dropout")   // [N], [N]
        let (config, count) = (self.config, x.count)
        let p = config.probability, scale = config.scale
        // Ranges start on multiples of 4 so each Philox block is drawn once for its four elements.
        let blocks = (count + 3) / 4
        device.parallel(blocks, grain: 1024) { blockRange in
            for b in blockRange {
                let draws = Philox.uniforms(seed: config.seed, stream: config.stream, block: UInt64(b))
                let base = 4 * b
                withUnsafeBytes(of: draws) { lanes in   // four contiguous Floats
                    for lane in 0..<min(4, count - base) {
                        let u = lanes.load(fromByteOffset: lane * 4, as: Float.self)
                        yp[base + lane] = u < p ? 0 : xp[base + lane] * scale
                    }
                }
            }
        }
    }
}
