// Philox random numbers and dropout on OpenCL. Kernels: Kernels/philox.cl, Kernels/dropout.cl.

extension OpenCLDevice {
    public func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64) throws {
        try OpChecks.floats("fillUniform", count: x.count, ("x", x))
        try launch("philox_uniform_f32", in: "philox.cl", global: [x.count],
                   [.count(x.count), .buffer(x), .ulong(seed), .ulong(stream)])
    }

    public func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig) throws {
        try config.validate("dropout")
        try OpChecks.floats("dropout", count: x.count, ("x", x), ("y", y))
        try launch("dropout_f32", in: "dropout.cl", global: [x.count],
                   [.count(x.count), .buffer(x), .buffer(y), .float(config.probability), .float(config.scale),
                    .ulong(config.seed), .ulong(config.stream)])
    }

    public func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig) throws {
        try dropout(dy, into: dx, config: config)
    }
}
