/// Element types SwiftBERT reads from checkpoints. Floating-point tensors are converted to Float32 on read;
/// integer tensors are accepted only for buffers that are not parameters (e.g. `embeddings.position_ids`).
public enum TensorDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int64 = "I64"
    case int32 = "I32"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .int64: return 8
        }
    }

    /// True for the types that load as parameters.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16: return true
        case .int64, .int32: return false
        }
    }

    /// The safetensors spelling (`F32`, `BF16`…).
    public var description: String { rawValue }

    /// Converts `source` (little-endian elements of this type) to Float32. `destination.count` elements are
    /// written; `source` must hold exactly that many elements and the type must be floating-point.
    func convertToFloat(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(isFloatingPoint && source.count == destination.count * size, "convertToFloat: size mismatch")
        guard let out = destination.baseAddress, !destination.isEmpty else { return }
        switch self {
        case .float32:
            #if _endian(little)
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
            #else
            for i in 0..<destination.count {
                out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
            #endif
        case .float16:
            for i in 0..<destination.count {
                out[i] = HalfFloat.float(fromBits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
            }
        case .bfloat16:
            for i in 0..<destination.count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .int64, .int32:
            break
        }
    }
}

/// IEEE 754 binary16 ↔ binary32, exact in the widening direction (every half is a float).
enum HalfFloat {
    static func float(fromBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1f
        let mantissa = UInt32(bits & 0x3ff)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exact in Float.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 0x1f:
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
