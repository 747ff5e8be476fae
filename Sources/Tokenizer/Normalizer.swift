import Foundation

/// Lower-casing, NFD with accent removal, and NFC of short runs of ``SourceUnit``s, as Python's `str.lower()`
/// and `unicodedata.normalize` do them, keeping every output scalar's source span.
///
/// Decompositions and compositions come from Foundation (Swift's own Unicode tables) and are cached for the
/// life of one ``Normalizer``, which belongs to one tokenization call, batch or session — there is no shared state.
struct Normalizer {
    private var decompositions: [UInt32: [Unicode.Scalar]] = [:]
    private var compositions: [UInt64: Unicode.Scalar?] = [:]
    private var scratch: [SourceUnit] = []

    // MARK: Lower-casing

    /// Appends the full lower-case mapping of each unit (Python's `str.lower()`).
    ///
    /// - Parameter finalSigma: Apply Python's final-sigma rule across `units` (Google lower-cases whole words;
    ///   HuggingFace lower-cases one character at a time, so the rule never fires there).
    static func lowercase(_ units: ArraySlice<SourceUnit>, finalSigma: Bool, into output: inout [SourceUnit]) {
        var index = units.startIndex
        while index < units.endIndex {
            if units[index].scalar.value == 0x3A3, finalSigma, isFinalSigma(units, at: index) {
                output.append(units[index].with("\u{3C2}"))
            } else {
                lowercase(units[index], into: &output)
            }
            index += 1
        }
    }

    /// Appends the full lower-case mapping of one unit (Python's `str.lower()` of one character).
    @inline(__always)
    static func lowercase(_ unit: SourceUnit, into output: inout [SourceUnit]) {
        let scalar = unit.scalar
        if scalar.value < 0x80 {
            output.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? unit.with(Unicode.Scalar(UInt8(scalar.value + 32))) : unit)
        } else if ScalarProperties.of(scalar) & ScalarProperties.changesWhenLowercased == 0 {
            output.append(unit)
        } else {
            for mapped in scalar.properties.lowercaseMapping.unicodeScalars { output.append(unit.with(mapped)) }
        }
    }

    /// Python's `handle_capital_sigma`: Σ is final when a cased letter precedes it (skipping case-ignorable
    /// characters) and none follows it (likewise).
    private static func isFinalSigma(_ units: ArraySlice<SourceUnit>, at index: Int) -> Bool {
        var before = index - 1
        while before >= units.startIndex, units[before].scalar.properties.isCaseIgnorable { before -= 1 }
        guard before >= units.startIndex, units[before].scalar.properties.isCased else { return false }
        var after = index + 1
        while after < units.endIndex, units[after].scalar.properties.isCaseIgnorable { after += 1 }
        return after == units.endIndex || !units[after].scalar.properties.isCased
    }

    // MARK: Canonical decomposition

    /// Replaces `units` by their NFD, dropping every scalar of category Mn (the references' `_run_strip_accents`).
    mutating func decomposeStrippingMarks(_ units: inout [SourceUnit]) {
        var index = 0
        while index < units.count, units[index].scalar.value < 0xC0 { index += 1 }
        if index == units.count { return }
        decomposeIntoScratch(units)
        units.removeAll(keepingCapacity: true)
        index = 0
        while index < scratch.count {
            let unit = scratch[index]
            if unit.scalar.value < 0x300 || ScalarProperties.of(unit.scalar) & ScalarProperties.nonspacingMark == 0 { units.append(unit) }
            index += 1
        }
    }

    /// Sets `scratch` to the NFD of `units`: each unit's full canonical decomposition, then canonical ordering.
    private mutating func decomposeIntoScratch(_ units: [SourceUnit]) {
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < units.count {
            appendDecomposition(of: units[index])
            index += 1
        }
        Self.reorderCanonically(&scratch)
    }

    /// Appends the full canonical decomposition of one unit to `scratch`.
    private mutating func appendDecomposition(of unit: SourceUnit) {
        let value = unit.scalar.value
        if value < 0xC0 || Self.hasNoDecomposition(value) {
            scratch.append(unit)
        } else if let hangul = Hangul.decompose(value) {
            for scalar in hangul { scratch.append(unit.with(scalar)) }
        } else if let cached = decompositions[value] {
            for scalar in cached { scratch.append(unit.with(scalar)) }
        } else {
            let decomposed = Array(String(Character(unit.scalar)).decomposedStringWithCanonicalMapping.unicodeScalars)
            decompositions[value] = decomposed
            for scalar in decomposed { scratch.append(unit.with(scalar)) }
        }
    }

    /// Ranges without canonical decompositions that need no lookup: CJK unified ideographs and the emoji and
    /// pictograph blocks (decompositions of existing characters never change, by Unicode's stability policy).
    private static func hasNoDecomposition(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2CEAF, 0x1F300...0x1FAFF: return true
        default: return false
        }
    }

    /// Sorts every run of non-starters by canonical combining class, keeping equal classes in order.
    private static func reorderCanonically(_ units: inout [SourceUnit]) {
        var index = 1
        while index < units.count {
            let combiningClass = Self.combiningClass(units[index].scalar)
            if combiningClass != 0 {
                var position = index
                while position > 0 {
                    let previous = Self.combiningClass(units[position - 1].scalar)
                    guard previous > combiningClass else { break }
                    units.swapAt(position, position - 1)
                    position -= 1
                }
            }
            index += 1
        }
    }

    @inline(__always)
    private static func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 { ScalarProperties.combiningClass(scalar) }

    // MARK: Canonical composition

    /// Replaces `units` by their NFC (HuggingFace normalizes each word to NFC before lower-casing).
    mutating func compose(_ units: inout [SourceUnit]) {
        var index = 0
        while index < units.count, !Self.mayChangeUnderNFC(units[index].scalar) { index += 1 }
        if index == units.count { return }
        decomposeIntoScratch(units)
        composeCanonicallyOrdered()
        swap(&units, &scratch)
    }

    /// Whether NFC can change a string containing this scalar. A string is already NFC when none of its
    /// characters is excluded from composition (Full_Composition_Exclusion: singletons, composition exclusions,
    /// non-starter decompositions), none has a non-zero combining class (nothing to reorder or to compose with a
    /// preceding starter), and none is a starter that composes with a preceding character — those are all vowel
    /// signs (category Mc or Mn) or Hangul vowel and trailing jamo.
    @inline(__always)
    private static func mayChangeUnderNFC(_ scalar: Unicode.Scalar) -> Bool {
        !isStableUnderNFC(scalar.value) && ScalarProperties.of(scalar) & ScalarProperties.affectsNFC != 0
    }

    /// Characters NFC leaves alone whatever surrounds them, checked without a table lookup: below U+0300 (no
    /// combining marks), general punctuation after the spaces, and the emoji and pictograph blocks. Each has
    /// NFC_QC=Yes, class 0 and never combines with a preceding character (checked against Python's tables when
    /// this was written; decompositions of assigned characters never change).
    private static func isStableUnderNFC(_ value: UInt32) -> Bool {
        switch value {
        case 0..<0x300, 0x2010...0x2027, 0x2030...0x205E, 0x1F300...0x1FAFF: return true
        default: return false
        }
    }

    /// The composition step of UAX #15 over `scratch` (already decomposed and canonically ordered).
    private mutating func composeCanonicallyOrdered() {
        guard !scratch.isEmpty else { return }
        var starter = 0
        var lastClass = Int(Self.combiningClass(scratch[0].scalar))
        if lastClass != 0 { lastClass = 256 }
        var written = 1
        for index in 1..<scratch.count {
            let unit = scratch[index]
            let combiningClass = Int(Self.combiningClass(unit.scalar))
            if lastClass < combiningClass || lastClass == 0,
               let composite = composition(scratch[starter].scalar, unit.scalar) {
                scratch[starter] = scratch[starter].with(composite)
                scratch[starter].cover(unit)
                continue
            }
            if combiningClass == 0 { starter = written }
            lastClass = combiningClass
            scratch[written] = unit
            written += 1
        }
        scratch.removeLast(scratch.count - written)
    }

    /// The primary composite of a starter and a following character, if there is one.
    ///
    /// Foundation composes the starter's decomposition followed by the character: Swift 6.3's NFC leaves some
    /// already-composed pairs alone (U+0CCA U+0CD5 stays, though its NFC is U+0CCB) but composes every fully
    /// decomposed sequence correctly.
    private mutating func composition(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Unicode.Scalar? {
        if let hangul = Hangul.compose(first.value, second.value) { return hangul }
        let key = UInt64(first.value) << 32 | UInt64(second.value)
        if let cached = compositions[key] { return cached }
        var sequence = String.UnicodeScalarView()
        sequence.append(contentsOf: String(Character(first)).decomposedStringWithCanonicalMapping.unicodeScalars)
        sequence.append(second)
        let composed = String(sequence).precomposedStringWithCanonicalMapping.unicodeScalars
        let result = composed.count == 1 ? composed.first : nil
        compositions[key] = result
        return result
    }
}

/// The algorithmic Hangul syllable (de)composition of the Unicode standard (section 3.12).
enum Hangul {
    private static let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
    private static let vCount: UInt32 = 21, tCount: UInt32 = 28, sCount: UInt32 = 11172

    /// The jamo of a precomposed syllable, or `nil` for any other scalar.
    static func decompose(_ value: UInt32) -> [Unicode.Scalar]? {
        guard value >= sBase, value < sBase + sCount else { return nil }
        let index = value - sBase
        let l = lBase + index / (vCount * tCount)
        let v = vBase + (index % (vCount * tCount)) / tCount
        let t = tBase + index % tCount
        let values = t == tBase ? [l, v] : [l, v, t]
        return values.compactMap(Unicode.Scalar.init)
    }

    /// The syllable composed of a leading consonant and a vowel, or of an LV syllable and a trailing consonant.
    static func compose(_ first: UInt32, _ second: UInt32) -> Unicode.Scalar? {
        if first >= lBase, first < lBase + 19, second >= vBase, second < vBase + vCount {
            return Unicode.Scalar(sBase + ((first - lBase) * vCount + (second - vBase)) * tCount)
        }
        if first >= sBase, first < sBase + sCount, (first - sBase) % tCount == 0, second > tBase, second < tBase + tCount {
            return Unicode.Scalar(first + (second - tBase))
        }
        return nil
    }
}
