// Element-wise ops on OpenCL: one launch each from Kernels/elementwise.cl.

extension FillOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("fill", in: "elementwise.cl", global: [x.count], [.count(x.count), .buffer(x), .float(value)])
    }
}

extension CopyOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("copy", in: "elementwise.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}

extension BinaryOp {
    public func run(on device: OpenCLDevice) throws {
        let kernel = operation == .add ? "add" : "multiply"
        try device.launch(kernel, in: "elementwise.cl", global: [a.count],
                          [.count(a.count), .buffer(a), .buffer(b), .buffer(out)])
    }
}

extension AXPBYOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("axpby", in: "elementwise.cl", global: [x.count],
                          [.count(x.count), .float(alpha), .buffer(x), .float(beta), .buffer(y)])
    }
}

extension AddBiasOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("add_bias", in: "elementwise.cl", global: [rows * columns],
                          [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(out)])
    }
}

extension CopyRowsOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("copy_rows", in: "elementwise.cl", global: [rows * columns],
                          [.count(rows), .count(columns), .buffer(x), .count(xStride), .buffer(out), .count(outStride)])
    }
}
