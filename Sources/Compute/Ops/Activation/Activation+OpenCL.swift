// Activations on OpenCL: one launch each from Kernels/gelu.cl (a kernel per GELU form), Kernels/tanh.cl and
// Kernels/silu.cl.

extension ActivationOp {
    public func run(on device: OpenCLDevice) throws {
        let (kernel, file) = switch function {
        case .gelu(let kind): ("gelu_forward_\(kind.rawValue)", "gelu.cl")
        case .tanh: ("tanh_forward", "tanh.cl")
        case .silu: ("silu_forward", "silu.cl")
        }
        try device.launch(kernel, in: file, global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}

extension ActivationBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        let (kernel, file) = switch function {
        case .gelu(let kind): ("gelu_backward_\(kind.rawValue)", "gelu.cl")
        case .tanh: ("tanh_backward", "tanh.cl")
        case .silu: ("silu_backward", "silu.cl")
        }
        try device.launch(kernel, in: file, global: [input.count], [.count(input.count), .buffer(input), .buffer(dy), .buffer(dx)])
    }
}

extension BiasGELUOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("bias_gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [rows * columns],
                          [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(y)])
    }
}
