/// Python-style searching and replacing on Unicode scalars (Python's string elements), where Swift's
/// `String` would compare grapheme clusters and canonical equivalents instead.
enum ScalarText {
    /// `haystack.find(needle)`: the first index where `needle` occurs, `nil` when it does not (0 for an empty
    /// needle).
    static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        guard let first = needle.first else { return 0 }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    /// `text.replace(old, new)`: every non-overlapping occurrence of `old`, left to right.
    static func replace(_ old: [Unicode.Scalar], with new: [Unicode.Scalar], in text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !old.isEmpty else { return text }
        var output: [Unicode.Scalar] = [], index = 0
        while index < text.count {
            if index + old.count <= text.count, text[index..<(index + old.count)].elementsEqual(old) {
                output += new
                index += old.count
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return output
    }
}
