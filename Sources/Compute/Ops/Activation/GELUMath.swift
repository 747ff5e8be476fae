import Foundation

/// Scalar GELU and its derivative: the CPU twin of Kernels/gelu.cl (same formulas, same constants).
enum GELUMath {
    static let sqrt2OverPi: Float = 0.797_884_560_802_865_4   // √(2/π)
    static let inverseSqrt2: Float = 0.707_106_781_186_547_5  // 1/√2
    static let inverseSqrt2Pi: Float = 0.398_942_280_401_432_7 // 1/√(2π)
    static let cubic: Float = 0.044_715

    // Written for accuracy where the textbook forms cancel (large negative x): 1 + erf(z) = erfc(−z), and
    // 0.5·(1 + tanh(u)) = s = 1/(1 + exp(−2u)) with 0.5·(1 − tanh²(u)) = 2·s·(1 − s).

    /// s = 0.5·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    @inline(__always)
    static func tanhGate(_ x: Float) -> Float {
        let u = sqrt2OverPi * (x + cubic * x * x * x)
        return 1 / (1 + expf(-2 * u))
    }

    @inline(__always)
    static func forward(_ x: Float, _ kind: GELUKind) -> Float {
        switch kind {
        case .erf: return 0.5 * x * erfcf(-x * inverseSqrt2)
        case .tanh: return x * tanhGate(x)
        }
    }

    /// d gelu(x) / dx.
    @inline(__always)
    static func derivative(_ x: Float, _ kind: GELUKind) -> Float {
        switch kind {
        case .erf:
            return 0.5 * erfcf(-x * inverseSqrt2) + x * inverseSqrt2Pi * expf(-0.5 * x * x)
        case .tanh:
            let s = tanhGate(x)
            let q = s * (1 - s)   // 0 once saturated: skip the x·x³ factor, which overflows for huge |x|
            return q == 0 ? s : s + x * 2 * q * sqrt2OverPi * (1 + 3 * cubic * x * x)
        }
    }
}
