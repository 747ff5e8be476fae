/// Philox4x32-10 (Salmon et al., SC'11): the CPU twin of Kernels/philox.cl, so both devices draw identical
/// dropout masks for the same (seed, stream, element index).
public enum Philox {
    /// Ten Philox rounds of `counter` under `key`.
    @inline(__always)
    public static func block(_ counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter, k = key
        c = round(c, k)
        for _ in 1..<10 {
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
            c = round(c, k)
        }
        return c
    }

    @inline(__always)
    private static func round(_ c: (UInt32, UInt32, UInt32, UInt32), _ k: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32) {
        let p0 = UInt64(0xD251_1F53) &* UInt64(c.0), p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
        return (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
    }

    /// The four uniform floats in [0, 1) of block `blockIndex` (elements 4·blockIndex …+3).
    @inline(__always)
    public static func uniforms(seed: UInt64, stream: UInt64, block blockIndex: UInt64) -> (Float, Float, Float, Float) {
        let r = block((UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32),
                       UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
                      key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        let scale: Float = 1.0 / 16_777_216.0
        return (Float(r.0 >> 8) * scale, Float(r.1 >> 8) * scale, Float(r.2 >> 8) * scale, Float(r.3 >> 8) * scale)
    }

    /// The uniform float in [0, 1) for one element index (the contract of `sb_uniform` in philox.cl).
    public static func uniform(seed: UInt64, stream: UInt64, index: UInt64) -> Float {
        let u = uniforms(seed: seed, stream: stream, block: index >> 2)
        switch index & 3 {
        case 0: return u.0
        case 1: return u.1
        case 2: return u.2
        default: return u.3
        }
    }
}
