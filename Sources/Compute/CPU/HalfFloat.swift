/// IEEE 754 binary16 ↔ binary32 conversion on bit patterns, bit-identical to OpenCL's `vstore_half_rte` and
/// `vload_half` as PoCL implements them (checked over all 2³² float inputs and all 2¹⁶ half inputs).
///
/// Written on bits rather than with Swift's `Float16`, which is missing on macOS x86_64, and because NaN bit
/// patterns are not specified by IEEE or OpenCL: here a float NaN becomes `sign | 0x7FFF` and a half NaN
/// becomes a quiet float NaN with the payload kept (`sign | 0x7FC00000 | payload << 13`), as PoCL does.
enum HalfFloat {
    /// float32 bits → float16 bits, rounded to nearest even: overflow → ±inf, values below half the smallest
    /// subnormal (2⁻²⁵) → ±0, subnormal results rounded correctly, NaN → `sign | 0x7FFF`.
    @inline(__always)
    static func halfBits(_ f: UInt32) -> UInt16 {
        let sign = UInt16(truncatingIfNeeded: (f >> 16) & 0x8000)
        let exponent = Int((f >> 23) & 0xFF)
        let mantissa = f & 0x7F_FFFF
        if exponent == 0xFF { return sign | (mantissa == 0 ? 0x7C00 : 0x7FFF) }
        let e = exponent - 112                       // rebias 127 → 15
        if e >= 31 { return sign | 0x7C00 }          // overflow
        if e <= 0 {
            // Subnormal half (or zero): significand · 2^(exponent − 126) in units of 2⁻²⁴.
            if e < -10 { return sign }               // below 2⁻²⁵: rounds to zero
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            var h = significand >> shift
            let rest = significand & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
            if rest > halfway || (rest == halfway && h & 1 == 1) { h += 1 }   // may carry into the smallest normal
            return sign | UInt16(truncatingIfNeeded: h)
        }
        var h = UInt32(e) << 10 | mantissa >> 13
        let rest = mantissa & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && h & 1 == 1) { h += 1 }          // may carry up to inf (0x7C00)
        return sign | UInt16(truncatingIfNeeded: h)
    }

    /// float16 bits → float32 bits, exact (NaNs come back quiet with their payload).
    @inline(__always)
    static func floatBits(_ h: UInt16) -> UInt32 {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0x1F: return sign | 0x7F80_0000 | (mantissa == 0 ? 0 : 0x40_0000 | mantissa << 13)
        case 0: return sign | (Float(mantissa) * 0x1p-24).bitPattern   // zero or subnormal: exact in float
        default: return sign | (exponent + 112) << 23 | mantissa << 13
        }
    }
}
