/// The character classes of BERT's basic tokenizer, exactly as the references define them.
///
/// Cleaning looks at the text before normalization (``cleanClass(_:)``); punctuation splitting looks at the
/// normalized characters (``isPunctuation(_:)``). Categories come from Swift's Unicode tables.
struct CharacterClasses: Sendable {
    /// What cleaning does with a character.
    enum Clean: UInt8 {
        /// U+0000, U+FFFD and control characters: removed without a trace (they do not split words).
        case dropped
        /// Whitespace: ends a word.
        case whitespace
        /// A CJK ideograph: a word of its own.
        case chinese
        /// Anything else: part of a word.
        case kept
    }

    /// Whether every category C* is control (HuggingFace) or only Cc and Cf (Google).
    let dropsAllOtherCategories: Bool
    /// Whether CJK ideographs become words of their own.
    let isolatesChinese: Bool

    init(compatibility: TokenizerConfiguration.Compatibility, tokenizeChineseCharacters: Bool) {
        dropsAllOtherCategories = compatibility == .huggingFace
        isolatesChinese = tokenizeChineseCharacters
    }

    /// The clean-stage class of a scalar.
    ///
    /// Whitespace is `" "`, `\t`, `\n`, `\r` and category Zs (the references' `_is_whitespace`), plus U+2028 and
    /// U+2029: the references keep those two but then split with Python's `str.split()`, which breaks at them.
    func cleanClass(_ scalar: Unicode.Scalar) -> Clean {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x09, 0x0A, 0x0D, 0x20: return .whitespace
            case 0x00...0x1F, 0x7F: return .dropped
            default: return .kept
            }
        }
        if value == 0xFFFD { return .dropped }
        if value == 0x2028 || value == 0x2029 { return .whitespace }
        let properties = ScalarProperties.of(scalar)
        if properties & ScalarProperties.controlOrFormat != 0 { return .dropped }
        if properties & ScalarProperties.otherControl != 0 { return dropsAllOtherCategories ? .dropped : .kept }
        if properties & ScalarProperties.spaceSeparator != 0 { return .whitespace }
        return isolatesChinese && Self.isChinese(value) ? .chinese : .kept
    }

    /// The references' `_is_chinese_char`: the CJK Unified Ideographs blocks and compatibility ideographs
    /// (not Hangul, not kana).
    static func isChinese(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// The references' `_is_punctuation`: ASCII 33–47, 58–64, 91–96, 123–126, and every category P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return isASCIIPunctuation(UInt8(value)) }
        return ScalarProperties.of(scalar) & ScalarProperties.punctuation != 0
    }

    /// ASCII punctuation as the references define it: every printable non-alphanumeric ASCII character.
    @inline(__always)
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (33...47).contains(byte) || (58...64).contains(byte) || (91...96).contains(byte) || (123...126).contains(byte)
    }
}
