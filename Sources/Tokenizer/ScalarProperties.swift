/// The Unicode properties the tokenizer asks about every character, packed per scalar: one table lookup for the
/// Basic Multilingual Plane (built once per process from Swift's Unicode tables, about 256 KB), Swift's property
/// accessors for the other planes.
enum ScalarProperties {
    /// Bits 0–7: canonical combining class.
    static let combiningClassMask: UInt32 = 0xFF
    /// Category Cc or Cf.
    static let controlOrFormat: UInt32 = 1 << 8
    /// Category Co, Cn or Cs (control characters for HuggingFace only).
    static let otherControl: UInt32 = 1 << 9
    /// Category Zs.
    static let spaceSeparator: UInt32 = 1 << 10
    /// Any category P*.
    static let punctuation: UInt32 = 1 << 11
    /// Category Mn.
    static let nonspacingMark: UInt32 = 1 << 12
    /// Lower-casing changes it.
    static let changesWhenLowercased: UInt32 = 1 << 13
    /// NFC may change a string containing it: excluded from composition, a non-zero combining class, a mark
    /// (category M*: every starter that composes with a preceding character is a vowel sign), or a Hangul jamo.
    static let affectsNFC: UInt32 = 1 << 14

    private static let table: [UInt32] = (0..<0x10000).map { value in Unicode.Scalar(UInt32(value)).map(compute) ?? 0 }

    /// The packed properties of `scalar`.
    @inline(__always)
    static func of(_ scalar: Unicode.Scalar) -> UInt32 {
        scalar.value < 0x10000 ? table[Int(scalar.value)] : compute(scalar)
    }

    /// The canonical combining class of `scalar`.
    @inline(__always)
    static func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 {
        scalar.value < 0x300 ? 0 : UInt8(of(scalar) & combiningClassMask)
    }

    private static func compute(_ scalar: Unicode.Scalar) -> UInt32 {
        let properties = scalar.properties
        var bits = UInt32(properties.canonicalCombiningClass.rawValue)
        switch properties.generalCategory {
        case .control, .format: bits |= controlOrFormat
        case .privateUse, .unassigned, .surrogate: bits |= otherControl
        case .spaceSeparator: bits |= spaceSeparator
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            bits |= punctuation
        case .nonspacingMark: bits |= nonspacingMark | affectsNFC
        case .spacingMark, .enclosingMark: bits |= affectsNFC
        default: break
        }
        if properties.changesWhenLowercased { bits |= changesWhenLowercased }
        if properties.isFullCompositionExclusion || bits & combiningClassMask != 0 || (0x1100...0x11FF).contains(scalar.value) {
            bits |= affectsNFC
        }
        return bits
    }
}
