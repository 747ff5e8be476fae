/// A scalar of the text being normalized, with the span of the original text it came from.
///
/// Normalization can turn one original scalar into several (lower-casing `İ`, decomposing `é`) and several into
/// one (composing `e` + U+0301); every output scalar keeps the smallest span covering its origins, which is what
/// token offsets are built from.
struct SourceUnit {
    var scalar: Unicode.Scalar
    /// Byte offsets into the original text's UTF-8.
    var utf8Start: Int
    var utf8End: Int
    /// Scalar offsets into the original text.
    var scalarStart: Int
    var scalarEnd: Int

    /// The same span with another scalar.
    @inline(__always)
    func with(_ scalar: Unicode.Scalar) -> SourceUnit {
        SourceUnit(scalar: scalar, utf8Start: utf8Start, utf8End: utf8End, scalarStart: scalarStart, scalarEnd: scalarEnd)
    }

    /// Widens the span to cover `other` too.
    @inline(__always)
    mutating func cover(_ other: SourceUnit) {
        utf8Start = min(utf8Start, other.utf8Start)
        utf8End = max(utf8End, other.utf8End)
        scalarStart = min(scalarStart, other.scalarStart)
        scalarEnd = max(scalarEnd, other.scalarEnd)
    }
}
