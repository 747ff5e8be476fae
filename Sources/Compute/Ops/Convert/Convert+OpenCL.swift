// float32 ↔ float16 storage conversion on OpenCL. Kernels: Kernels/convert.cl (f32 copies: elementwise.cl).

extension ConvertOp {
    public func run(on device: OpenCLDevice) throws {
        let kernel: String
        switch try Conversion.between(x, y) {
        case .copy32: return try CopyOp(x: x, y: y).run(on: device)
        case .copy16: kernel = "copy_u16"
        case .toHalf: kernel = "convert_f32_to_f16"
        case .toFloat: kernel = "convert_f16_to_f32"
        }
        try device.launch(kernel, in: "convert.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}
