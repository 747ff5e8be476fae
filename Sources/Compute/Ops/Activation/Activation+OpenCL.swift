// Activations on OpenCL: one launch each from Kernels/gelu.cl (a kernel per GELU form), Kernels/tanh.cl and
// Kernels/silu.cl.

extension Activation {
    /// The OpenCL kernel of the forward (`pass` "forward") or backward ("backward") and its file: `<family>_<pass>`
    /// as the C twin is named, with the GELU form appended (`gelu_forward_erf`; the C twin takes the form as an
    /// argument).
    func openCLKernel(_ pass: String) -> (name: String, file: String) {
        switch self {
        case .gelu(let kind): return ("gelu_\(pass)_\(kind.rawValue)", "gelu.cl")
        case .tanh: return ("tanh_\(pass)", "tanh.cl")
        case .silu: return ("silu_\(pass)", "silu.cl")
        }
    }
}

extension ActivationOp {
    public func run(on device: OpenCLDevice) throws {
        let kernel = function.openCLKernel("forward")
        try device.launch(kernel.name, in: kernel.file, global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}

extension ActivationBackwardOp {
    public func run(on device: OpenCLDevice) throws {
        let kernel = function.openCLKernel("backward")
        try device.launch(kernel.name, in: kernel.file, global: [input.count],
                          [.count(input.count), .buffer(input), .buffer(dy), .buffer(dx)])
    }
}

extension BiasGELUOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("bias_gelu_forward_\(kind.rawValue)", in: "gelu.cl", global: [rows * columns],
                          [.count(rows), .count(columns), .buffer(x), .buffer(bias), .buffer(y)])
    }
}
