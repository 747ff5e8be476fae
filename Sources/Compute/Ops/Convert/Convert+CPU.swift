extension ConvertOp {
    /// CPU twin of Kernels/convert.cl: bit conversions from `HalfFloat`, split across threads.
    public func run(on device: CPUDevice) throws {
        let conversion = try Conversion.between(x, y), parallel = device.parallel, count = x.count
        let xp = try device.raw(x, .convert), yp = try device.raw(y, .convert)   // [N] of x.dtype, [N] of y.dtype
        switch conversion {
        case .copy32, .copy16:
            let size = x.dtype.size
            parallel(count) { range in
                (yp + range.lowerBound * size).copyMemory(from: xp + range.lowerBound * size, byteCount: range.count * size)
            }
        case .toHalf:
            let source = xp.assumingMemoryBound(to: UInt32.self)       // float32 bits [N]
            let target = yp.assumingMemoryBound(to: UInt16.self)       // float16 bits [N]
            parallel(count) { range in for i in range { target[i] = HalfFloat.halfBits(source[i]) } }
        case .toFloat:
            let source = xp.assumingMemoryBound(to: UInt16.self)       // float16 bits [N]
            let target = yp.assumingMemoryBound(to: UInt32.self)       // float32 bits [N]
            parallel(count) { range in for i in range { target[i] = HalfFloat.floatBits(source[i]) } }
        }
    }
}
