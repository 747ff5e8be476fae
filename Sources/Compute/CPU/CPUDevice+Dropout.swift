extension CPUDevice {
    public func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64) throws {
        try OpChecks.floats("fillUniform", count: x.count, ("x", x))
        let xp = try floats(x, "fillUniform")   // [N]
        parallel(x.count, grain: 4096) { range in
            for i in range { xp[i] = Philox.uniform(seed: seed, stream: stream, index: UInt64(i)) }
        }
    }

    public func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig) throws {
        try config.validate("dropout")
        try OpChecks.floats("dropout", count: x.count, ("x", x), ("y", y))
        let xp = try floats(x, "dropout"), yp = try floats(y, "dropout")   // [N], [N]
        let p = config.probability, scale = config.scale
        // Ranges start on multiples of 4 so each Philox block is drawn once for its four elements.
        let blocks = (x.count + 3) / 4
        parallel(blocks, grain: 1024) { blockRange in
            for b in blockRange {
                let draws = Philox.uniforms(seed: config.seed, stream: config.stream, block: UInt64(b))
                let base = 4 * b
                withUnsafeBytes(of: draws) { lanes in   // four contiguous Floats
                    for lane in 0..<min(4, x.count - base) {
                        let u = lanes.load(fromByteOffset: lane * 4, as: Float.self)
                        yp[base + lane] = u < p ? 0 : xp[base + lane] * scale
                    }
                }
            }
        }
    }

    public func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig) throws {
        try dropout(dy, into: dx, config: config)
    }
}
