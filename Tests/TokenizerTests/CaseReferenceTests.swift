// Hand-picked cases against the references: Google's test vectors, accents, ligatures, dotted I, final sigma,
// CJK, kana and Hangul, emoji with ZWJ, control and zero-width characters (U+200B, U+200D, U+FEFF, U+00AD),
// NBSP and other spaces, U+2028/U+2029, private use, lone combining marks, words of 100/101/200/201 characters,
// empty and whitespace-only input, special tokens written in the text ("[CLS] hello [MASK]", "x[SEP]y", "[mask]",
// "[CL\u{200B}S]"), invalid UTF-8, and HuggingFace configuration variants (never_split, added and additional
// special tokens, strip_accents, tokenize_chinese_chars, max_input_chars_per_word). Expected tokens and ids come
// from Tools/reference/make_tokenizer_fixtures.py (see RealTextReferenceTests for the references).
import Tokenizer
import XCTest

final class CaseReferenceTests: XCTestCase {
    func testHandPickedCasesMatchReferences() throws {
        let real = try ReferenceTokenizers.real()
        var variants: [String: WordPieceTokenizer] = [:]
        let rows = try Fixture.rows("cases.tsv")
        XCTAssertGreaterThan(rows.count, 250)
        for row in rows {
            let (name, setting, variant) = (row[0], row[1], row[2])
            let tokenizer: WordPieceTokenizer
            if variant == "default" {
                tokenizer = try XCTUnwrap(real[setting])
            } else if let cached = variants[variant] {
                tokenizer = cached
            } else {
                tokenizer = try Self.variant(variant, real: real)
                variants[variant] = tokenizer
            }
            let text = Fixture.input(row[3])
            let actual = tokenizer.tokenize(text)
            XCTAssertEqual(tokenizer.tokens(actual.ids), Fixture.tokens(row[4]), "\(name) \(setting) \(variant): \(text.debugDescription)")
            XCTAssertEqual(actual.ids, Fixture.ids(row[5]), "\(name) \(setting) \(variant)")
        }
    }

    /// Google's own test vectors (tokenization_test.py), with its tiny vocabulary plus the [PAD] this tokenizer
    /// requires.
    func testGoogleVectors() throws {
        let vocabulary = Vocabulary(tokens: ["[UNK]", "[CLS]", "[SEP]", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "[PAD]"])
        for compatibility in TokenizerConfiguration.Compatibility.allCases {
            let configuration = TokenizerConfiguration(compatibility: compatibility, lowercase: true)
            let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
            XCTAssertEqual(tokenizer.tokens(tokenizer.tokenize("UNwant\u{00E9}d,running").ids), ["un", "##want", "##ed", ",", "runn", "##ing"])
            XCTAssertEqual(tokenizer.tokens(tokenizer.tokenize("unwantedX running").ids), ["[UNK]", "runn", "##ing"])
        }
        let basic = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "hello", "!", "how", "are", "you", "?"]),
                                           configuration: TokenizerConfiguration(compatibility: .google, lowercase: true))
        XCTAssertEqual(basic.tokens(basic.tokenize(" \tHeLLo!how  \n Are yoU?  ").ids), ["hello", "!", "how", "are", "you", "?"])
    }

    /// The configurations make_tokenizer_fixtures.py's variant_tokenizer() builds.
    static func variant(_ name: String, real: [String: WordPieceTokenizer]) throws -> WordPieceTokenizer {
        let uncased = try XCTUnwrap(real["hf-uncased"])
        var configuration = TokenizerConfiguration(compatibility: .huggingFace, lowercase: true)
        var vocabulary = uncased.vocabulary
        switch name {
        case "never-split":
            configuration.neverSplit = ["Hello", "don't", "[X]", "foo"]
        case "added":
            configuration.specialTokens.additional = ["[E1]", "[/E1]"]
            configuration.addedTokens = [
                AddedToken(content: "[E1]", isSpecial: true, id: 30522), AddedToken(content: "[/E1]", isSpecial: true, id: 30523),
                AddedToken(content: "foo bar", id: 30524), AddedToken(content: "cat", id: 4937),
                AddedToken(content: "Dog", normalized: false, id: 30525), AddedToken(content: "xyz", normalized: false, id: 30526),
            ]
        case "strip-false":
            configuration.stripAccents = false
        case "strip-true-cased":
            vocabulary = try XCTUnwrap(real["hf-cased"]).vocabulary
            configuration.lowercase = false
            configuration.stripAccents = true
        case "no-chinese":
            configuration.tokenizeChineseCharacters = false
        case "max-chars-10":
            configuration.maxInputCharactersPerWord = 10
        default:
            throw XCTSkip("unknown variant \(name)")
        }
        return try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
    }
}
