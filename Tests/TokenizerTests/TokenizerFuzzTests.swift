import Foundation
@testable import Tokenizer
import XCTest

/// A deterministic property harness: random byte strings and random mixes of awkward code points, fed to every
/// setting, checking invariants rather than reference output.
final class TokenizerFuzzTests: XCTestCase {
    /// SplitMix64: a small seeded generator, so every run sees the same inputs.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Characters that exercise every rule: controls, format characters, spaces, combining marks (including ones
    /// that compose with a preceding starter and reorder), dotted I, Kelvin and Ångström signs, final sigma,
    /// ligatures, CJK (unified and compatibility), kana voicing marks, Hangul syllables and jamo, emoji with ZWJ and
    /// modifiers, private use, unassigned code points, line separators, and the brackets of special tokens.
    static let awkward: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\u{7F}", "\u{85}", "\u{AD}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{FFFD}", "\u{2028}", "\u{2029}",
        "\u{A0}", "\u{3000}", "\u{1680}", "\t", "\n", "\r", " ", "\u{301}", "\u{323}", "\u{302}", "\u{308}", "\u{338}", "\u{345}",
        "\u{344}", "\u{CC6}", "\u{CC2}", "\u{CD5}", "\u{CCA}", "\u{B47}", "\u{B3E}", "\u{130}", "\u{212A}", "\u{212B}", "\u{2126}",
        "\u{3A3}", "\u{3C2}", "\u{FB01}", "\u{1E9E}", "\u{DF}", "\u{4E2D}", "\u{F900}", "\u{2F800}", "\u{20000}", "\u{304B}",
        "\u{3099}", "\u{309A}", "\u{D55C}", "\u{1112}", "\u{1161}", "\u{11AB}", "\u{1F44D}", "\u{1F3FD}", "\u{1F468}", "\u{FE0F}",
        "\u{E000}", "\u{F0000}", "\u{378}", "\u{E0001}", "\u{1171E}", "\u{1FEF}", "\u{37E}", "=", "<", "[", "]", "#", "!", "'",
        "a", "A", "e", "E", "z", "Z", "0", "9", "\u{E9}", "\u{C9}",
    ]

    static let fragments = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[mask]", "##", "unwanted", "running", "Hello"]

    static func randomText(_ generator: inout SeededGenerator) -> String {
        switch generator.next() % 4 {
        case 0:
            let bytes = (0..<Int(generator.next() % 48)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            return WordPieceTokenizer.decodeUTF8(bytes)
        case 1:
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 40) {
                if generator.next() % 8 == 0 {
                    scalars.append(contentsOf: fragments[Int(generator.next() % UInt64(fragments.count))].unicodeScalars)
                } else {
                    scalars.append(awkward[Int(generator.next() % UInt64(awkward.count))])
                }
            }
            return String(scalars)
        case 2:
            // Long words around the 100- and 200-character limits.
            let letter = awkward[Int(generator.next() % UInt64(awkward.count))]
            return String(repeating: "x", count: 90 + Int(generator.next() % 120)) + String(letter) + "yz"
        default:
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 24) {
                let value = UInt32(truncatingIfNeeded: generator.next() % (generator.next() % 2 == 0 ? 0x3000 : 0x110000))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            return String(scalars)
        }
    }

    func testRandomInputsKeepInvariants() throws {
        var tokenizers = try ReferenceTokenizers.real()
        tokenizers["hf-never-split"] = try CaseReferenceTests.variant("never-split", real: tokenizers)
        tokenizers["hf-added"] = try CaseReferenceTests.variant("added", real: tokenizers)
        var generator = SeededGenerator(state: 20_240_601)
        let started = ContinuousClock.now
        var texts = 0
        for _ in 0..<1500 {
            let text = Self.randomText(&generator)
            texts += 1
            for (name, tokenizer) in tokenizers.sorted(by: { $0.key < $1.key }) {
                let result = tokenizer.tokenize(text)
                try Self.checkInvariants(result, text: text, tokenizer: tokenizer, name: name)
                XCTAssertEqual(tokenizer.generalPathOnly().tokenize(text), result, "\(name): fast and general paths differ on \(text.debugDescription)")
            }
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "fuzzing \(texts) texts took too long")
    }

    static func checkInvariants(_ result: TokenizedText, text: String, tokenizer: WordPieceTokenizer, name: String) throws {
        let context = "\(name) on \(text.debugDescription)"
        XCTAssertEqual(result.ids.count, result.offsets.count, context)
        let scalars = Array(text.unicodeScalars)
        var scalarOfByte = [Int](repeating: -1, count: text.utf8.count + 1)
        var byte = 0
        for (index, scalar) in scalars.enumerated() {
            scalarOfByte[byte] = index
            byte += UTF8.width(scalar)
        }
        scalarOfByte[byte] = scalars.count
        let limit = tokenizer.vocabulary.count + tokenizer.configuration.addedTokens.count
        var previous: TokenOffsets?
        for (id, span) in zip(result.ids, result.offsets) {
            XCTAssert(id >= 0 && Int(id) < limit, "id \(id) out of range: \(context)")
            XCTAssert(span.utf8Start < span.utf8End && span.utf8End <= text.utf8.count, "bad span \(span): \(context)")
            XCTAssertEqual(scalarOfByte[span.utf8Start], span.scalarStart, "byte and scalar starts disagree: \(context)")
            XCTAssertEqual(scalarOfByte[span.utf8End], span.scalarEnd, "byte and scalar ends disagree: \(context)")
            if let previous {
                XCTAssert(span.utf8Start >= previous.utf8Start && span.utf8End >= previous.utf8End, "offsets go back: \(context)")
            }
            previous = span
        }
        try checkPiecesSpellTheirSpans(result, scalars: scalars, tokenizer: tokenizer, context: context)
    }

    /// Each word (a piece and the "##" pieces after it) spells what its span of the text normalizes to, unless it is
    /// the unknown token, a special or added token, or a never_split word.
    static func checkPiecesSpellTheirSpans(_ result: TokenizedText, scalars: [Unicode.Scalar], tokenizer: WordPieceTokenizer,
                                            context: String) throws {
        let tokens = tokenizer.tokens(result.ids)
        let configuration = tokenizer.configuration
        let whole = Set(configuration.specialTokens.all + configuration.addedTokens.map(\.content) + configuration.neverSplit)
        var index = 0
        while index < tokens.count {
            var end = index + 1
            while end < tokens.count, tokens[end].hasPrefix("##"), !whole.contains(tokens[end]) { end += 1 }
            defer { index = end }
            let word = tokens[index..<end]
            if word.contains(where: { whole.contains($0) || $0 == configuration.specialTokens.unknown }) { continue }
            let spelled = word.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst(2)) }.joined()
            let span = result.offsets[index].scalarStart..<result.offsets[end - 1].scalarEnd
            var expected = normalize(scalars[span], tokenizer: tokenizer)
            var actual = spelled
            if configuration.compatibility == .google {
                // Google lower-cases whole words, so a word-final capital sigma becomes ς (checked by the fixtures).
                actual = actual.replacingOccurrences(of: "\u{3C2}", with: "\u{3C3}")
                expected = expected.replacingOccurrences(of: "\u{3C2}", with: "\u{3C3}")
            }
            XCTAssertEqual(actual, expected, "pieces \(Array(word)) of span \(span) don't spell it: \(context)")
        }
    }

    /// An independent normalization with Foundation: clean, (NFC), lower-case per character, NFD, drop Mn.
    static func normalize(_ slice: ArraySlice<Unicode.Scalar>, tokenizer: WordPieceTokenizer) -> String {
        let configuration = tokenizer.configuration
        let classes = CharacterClasses(compatibility: configuration.compatibility, tokenizeChineseCharacters: true)
        var kept = String.UnicodeScalarView(slice.filter { classes.cleanClass($0) != .dropped })
        if configuration.compatibility == .huggingFace {
            kept = String(kept).decomposedStringWithCanonicalMapping.precomposedStringWithCanonicalMapping.unicodeScalars
        }
        var text = String(kept)
        if configuration.lowercase { text = String(String.UnicodeScalarView(text.unicodeScalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars })) }
        if configuration.stripsAccents {
            text = String(String.UnicodeScalarView(text.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
                $0.properties.generalCategory != .nonspacingMark
            }))
        }
        return text
    }
}
