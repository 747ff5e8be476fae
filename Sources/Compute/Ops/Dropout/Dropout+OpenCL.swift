// Philox random numbers and dropout on OpenCL: Kernels/philox.cl, Kernels/dropout.cl.

extension FillUniformOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("philox_uniform", in: "philox.cl", global: [x.count],
                          [.count(x.count), .buffer(x), .ulong(seed), .ulong(stream)])
    }
}

extension DropoutOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("dropout", in: "dropout.cl", global: [x.count],
                          [.count(x.count), .buffer(x), .buffer(y), .float(config.probability), .float(config.scale),
                           .ulong(config.seed), .ulong(config.stream)])
    }
}
