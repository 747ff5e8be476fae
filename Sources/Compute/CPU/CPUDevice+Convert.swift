extension CPUDevice {
    /// CPU twin of Kernels/convert.cl: bit conversions from `HalfFloat`, split across threads.
    public func convert(_ x: BufferView, into y: BufferView) throws {
        let conversion = try Conversion.between(x, y)
        let xp = try raw(x, "convert"), yp = try raw(y, "convert")   // [N] of x.dtype, [N] of y.dtype
        switch conversion {
        case .copy32, .copy16:
            let size = x.dtype.size
            parallel(x.count) { range in
                (yp + range.lowerBound * size).copyMemory(from: xp + range.lowerBound * size, byteCount: range.count * size)
            }
        case .toHalf:
            let source = xp.assumingMemoryBound(to: UInt32.self)       // float32 bits [N]
            let target = yp.assumingMemoryBound(to: UInt16.self)       // float16 bits [N]
            parallel(x.count) { range in for i in range { target[i] = HalfFloat.halfBits(source[i]) } }
        case .toFloat:
            let source = xp.assumingMemoryBound(to: UInt16.self)       // float16 bits [N]
            let target = yp.assumingMemoryBound(to: UInt32.self)       // float32 bits [N]
            parallel(x.count) { range in for i in range { target[i] = HalfFloat.floatBits(source[i]) } }
        }
    }
}
