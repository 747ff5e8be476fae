import Tokenizer
import XCTest

/// Building model inputs: [CLS] A [SEP] (B [SEP]), truncation, padding, and offsets back into the text.
final class EncodingTests: XCTestCase {
    private func tokenizer() throws -> WordPieceTokenizer {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e", "##s", "un", "##i", "##code", "!"]
        return try WordPieceTokenizer(vocabulary: Vocabulary(tokens: tokens),
                                      configuration: TokenizerConfiguration(compatibility: .huggingFace, lowercase: true))
    }

    func testSingleAndPair() throws {
        let tokenizer = try tokenizer()
        let single = tokenizer.encode("a b")
        XCTAssertEqual(single.ids, [2, 5, 6, 3])
        XCTAssertEqual(single.segmentIDs, [0, 0, 0, 0])
        XCTAssertEqual(single.attentionMask, [1, 1, 1, 1])
        XCTAssertEqual(single.offsets.map { $0?.unicodeScalars }, [nil, 0..<1, 2..<3, nil])
        let pair = tokenizer.encode("a", "b c")
        XCTAssertEqual(pair.ids, [2, 5, 3, 6, 7, 3])
        XCTAssertEqual(pair.segmentIDs, [0, 0, 0, 1, 1, 1])
    }

    func testTruncationFollowsGoogle() throws {
        let tokenizer = try tokenizer()
        let single = tokenizer.encode("a b c d e", options: try EncodingOptions(maxLength: 4))
        XCTAssertEqual(single.ids, [2, 5, 6, 3])
        XCTAssertEqual(single.truncated.first, 3)
        // Equal lengths: the second text loses a piece first; then the longer one.
        let tie = tokenizer.encode("a b c", "c d e", options: try EncodingOptions(maxLength: 6))
        XCTAssertEqual(tie.ids, [2, 5, 6, 3, 7, 3])
        XCTAssertEqual(tie.segmentIDs, [0, 0, 0, 0, 1, 1])
        XCTAssertTrue(tie.truncated == (1, 2))
        let longer = tokenizer.encode("a b c d e", "a", options: try EncodingOptions(maxLength: 5))
        XCTAssertEqual(longer.ids, [2, 5, 3, 5, 3])
    }

    func testPadding() throws {
        let tokenizer = try tokenizer()
        let padded = tokenizer.encode("a", options: try EncodingOptions(maxLength: 6, padsToMaxLength: true))
        XCTAssertEqual(padded.ids, [2, 5, 3, 0, 0, 0])
        XCTAssertEqual(padded.attentionMask, [1, 1, 1, 0, 0, 0])
        XCTAssertEqual(padded.segmentIDs, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(padded.offsets.compactMap { $0 }.count, 1)
    }

    /// Offsets cover the original characters even where lower-casing and accent stripping changed the text, and
    /// an unknown word maps to the whole word.
    func testOffsetsSurviveNormalization() throws {
        let tokenizer = try tokenizer()
        for text in ["Ünïcödé!", "U\u{308}ni\u{308}co\u{308}de\u{301}!"] {
            let result = tokenizer.tokenize(text)
            XCTAssertEqual(tokenizer.tokens(result.ids), ["un", "##i", "##code", "!"], text)
            let pieces = result.offsets.map { span -> String in
                guard let range = span.range(in: text) else { return "?" }
                return String(text[range])
            }
            let scalars = Array(text.unicodeScalars)
            let exclamation = scalars.count - 1
            XCTAssertEqual(pieces.last, "!")
            XCTAssertEqual(pieces.dropLast().joined(), String(String.UnicodeScalarView(scalars[..<exclamation])), text)
        }
        let unknown = tokenizer.tokenize("ab \u{FB01}ne ſs")
        XCTAssertEqual(tokenizer.tokens(unknown.ids), ["[UNK]", "[UNK]", "[UNK]"])
        XCTAssertEqual(unknown.offsets.map(\.unicodeScalars), [0..<2, 3..<6, 7..<9])
        XCTAssertEqual(unknown.offsets.map(\.utf8), [0..<2, 3..<8, 9..<12])
    }

    /// A character removed by cleaning inside a word is covered by the token around it.
    func testOffsetsCoverRemovedCharacters() throws {
        let tokenizer = try tokenizer()
        let result = tokenizer.tokenize("a\u{200B}s \u{AD}b")
        XCTAssertEqual(tokenizer.tokens(result.ids), ["a", "##s", "b"])
        XCTAssertEqual(result.offsets.map(\.unicodeScalars), [0..<1, 2..<3, 5..<6])
    }
}
