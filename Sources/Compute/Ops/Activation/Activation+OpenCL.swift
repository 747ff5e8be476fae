// Activations on OpenCL: one launch each from Kernels/gelu.cl (a kernel per GELU form) and Kernels/tanh.cl.

extension GELUOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [x.count],
                          [.count(x.count), .buffer(x), .buffer(y)])
    }
}

extension GELUBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("gelu_backward_\(kind.rawValue)", in: "gelu.cl", global: [x.count],
                          [.count(x.count), .buffer(x), .buffer(dy), .buffer(dx)])
    }
}

extension BiasGELUOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("bias_gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [rows * columns],
                          [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(y)])
    }
}

extension TanhOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("tanh_forward", in: "tanh.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}

extension TanhBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("tanh_backward", in: "tanh.cl", global: [y.count],
                          [.count(y.count), .buffer(y), .buffer(dy), .buffer(dx)])
    }
}
