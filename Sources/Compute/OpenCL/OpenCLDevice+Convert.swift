// float32 ↔ float16 storage conversion on OpenCL. Kernels: Kernels/convert.cl (f32 copies: elementwise.cl).

extension OpenCLDevice {
    public func convert(_ x: BufferView, into y: BufferView) throws {
        let kernel: String
        switch try Conversion.between(x, y) {
        case .copy32: return try copy(x, to: y)
        case .copy16: kernel = "copy_u16"
        case .toHalf: kernel = "convert_f32_to_f16"
        case .toFloat: kernel = "convert_f16_to_f32"
        }
        try launch(kernel, in: "convert.cl", global: [x.count], [.count(x.count), .buffer(x), .buffer(y)])
    }
}
