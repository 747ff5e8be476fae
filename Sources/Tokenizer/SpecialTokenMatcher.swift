import Foundation

/// Finds special and added tokens written in the text.
///
/// With ``Preference/longest`` it is HuggingFace's added-token trie: the leftmost occurrence of any token, and at
/// that position the longest (the trie picks the same match whenever no token is a proper infix of another,
/// which holds for BERT's special tokens and any sensible added tokens). With ``Preference/firstListed`` it is
/// the regular-expression alternation HuggingFace uses to keep special tokens out of lower-casing: at a position
/// the first token in list order wins.
struct SpecialTokenMatcher: Sendable {
    struct Token: Sendable {
        let bytes: [UInt8]
        let scalars: [Unicode.Scalar]
        let id: Int32
    }

    /// A token found in the text, in UTF-8 bytes.
    struct Match {
        let start: Int
        let end: Int
        let scalarCount: Int
        let id: Int32
    }

    /// Which token wins when several match at one position.
    enum Preference {
        case longest
        case firstListed
    }

    /// In preference order: the first that matches at a position wins.
    private let tokens: [Token]
    private let isFirstByte: [Bool]
    /// The first byte shared by every token, when there is one (then `memchr` finds candidates).
    private let sharedFirstByte: UInt8?

    init(tokens: [(content: String, id: Int32)], preference: Preference) {
        let listed = tokens.map { Token(bytes: Array($0.content.utf8), scalars: Array($0.content.unicodeScalars), id: $0.id) }
        switch preference {
        case .longest: self.tokens = listed.enumerated().sorted {
                ($0.element.scalars.count, -$0.offset) > ($1.element.scalars.count, -$1.offset)
            }.map(\.element)
        case .firstListed: self.tokens = listed
        }
        var firstBytes = [Bool](repeating: false, count: 256)
        for token in self.tokens { if let first = token.bytes.first { firstBytes[Int(first)] = true } }
        isFirstByte = firstBytes
        let distinct = Set(self.tokens.compactMap(\.bytes.first))
        sharedFirstByte = distinct.count == 1 ? distinct.first : nil
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// The first token occurring in `base[from..<to]` (the preferred one where several start there).
    func firstMatch(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Match? {
        var position = from
        while position < to {
            if let shared = sharedFirstByte {
                guard let found = memchr(base + position, Int32(shared), to - position) else { return nil }
                position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else if !isFirstByte[Int(base[position])] {
                position += 1
                continue
            }
            for token in tokens where token.bytes.count <= to - position && Self.matches(token.bytes, base + position) {
                return Match(start: position, end: position + token.bytes.count, scalarCount: token.scalars.count, id: token.id)
            }
            position += 1
        }
        return nil
    }

    /// The preferred token spelled by `units` starting at `index`: its length in units and its id.
    func match(_ units: [SourceUnit], at index: Int) -> (length: Int, id: Int32)? {
        for token in tokens where token.scalars.count <= units.count - index {
            var matched = true
            for (offset, scalar) in token.scalars.enumerated() where units[index + offset].scalar != scalar {
                matched = false
                break
            }
            if matched { return (token.scalars.count, token.id) }
        }
        return nil
    }

    private static func matches(_ bytes: [UInt8], _ text: UnsafePointer<UInt8>) -> Bool {
        for (offset, byte) in bytes.enumerated() where text[offset] != byte { return false }
        return true
    }
}
