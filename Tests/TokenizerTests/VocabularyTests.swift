import Foundation
import Tokenizer
import XCTest

/// Vocabulary files: line splitting per reference, duplicates, and errors that name the file and line.
final class VocabularyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func write(_ bytes: [UInt8], name: String = "vocab.txt") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func write(_ text: String, name: String = "vocab.txt") throws -> String { try write(Array(text.utf8), name: name) }

    func testHuggingFaceSplitsUniversalNewlinesAndKeepsOtherWhitespace() throws {
        let path = try write("[PAD]\r\n[UNK]\rhello \n\tx\n[CLS]\n[SEP]")
        let vocabulary = try Vocabulary(contentsOfFile: path, compatibility: .huggingFace)
        XCTAssertEqual(vocabulary.tokens, ["[PAD]", "[UNK]", "hello ", "\tx", "[CLS]", "[SEP]"])
        XCTAssertEqual(vocabulary.id(of: "hello "), 2)
        XCTAssertNil(vocabulary.id(of: "hello"))
    }

    func testGoogleSplitsAtNewlinesAndStripsWhitespace() throws {
        let path = try write("[PAD]\r\n[UNK]\rx\n hello \u{A0}\n\n[CLS]\n[SEP]\n")
        let vocabulary = try Vocabulary(contentsOfFile: path, compatibility: .google)
        XCTAssertEqual(vocabulary.tokens, ["[PAD]", "[UNK]\rx", "hello", "", "[CLS]", "[SEP]"])
        XCTAssertEqual(vocabulary.id(of: "hello"), 2)
    }

    func testDuplicateLinesMapToTheLastLineAndKeepTheirIds() throws {
        let vocabulary = Vocabulary(tokens: ["[PAD]", "a", "[UNK]", "a", "[CLS]", "[SEP]"])
        XCTAssertEqual(vocabulary.count, 6)
        XCTAssertEqual(vocabulary.id(of: "a"), 3)
        XCTAssertEqual(vocabulary.token(for: 1), "a")
        XCTAssertNil(vocabulary.token(for: 6))
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, configuration: TokenizerConfiguration(compatibility: .huggingFace, lowercase: true))
        XCTAssertEqual(tokenizer.tokenize("A").ids, [3])
    }

    func testLastLineWithoutNewlineCounts() throws {
        let vocabulary = try Vocabulary(contentsOfFile: try write("a\nb"), compatibility: .huggingFace)
        XCTAssertEqual(vocabulary.tokens, ["a", "b"])
    }

    func testInvalidUTF8NamesTheLine() throws {
        let path = try write(Array("[PAD]\n[UNK]\n".utf8) + [0x61, 0xFF, 0x0A] + Array("[CLS]\n".utf8))
        XCTAssertThrowsError(try Vocabulary(contentsOfFile: path, compatibility: .huggingFace)) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidUTF8(path: path, line: 3))
            XCTAssertEqual("\(error)", "\(path):3: the line is not valid UTF-8")
        }
    }

    func testEmptyAndMissingFiles() throws {
        let empty = try write("")
        XCTAssertThrowsError(try Vocabulary(contentsOfFile: empty, compatibility: .google)) { error in
            XCTAssertEqual(error as? TokenizerError, .emptyVocabulary(path: empty))
        }
        let missing = directory.appendingPathComponent("absent.txt").path
        XCTAssertThrowsError(try Vocabulary(contentsOfFile: missing, compatibility: .google)) { error in
            guard case .unreadableFile(let path, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing)
        }
    }

    func testRequiredTokensAreNamed() throws {
        for (missing, role) in [("[UNK]", "unknown token"), ("[CLS]", "classifier token"), ("[SEP]", "separator token"), ("[PAD]", "padding token")] {
            let path = try write(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello"].filter { $0 != missing }.joined(separator: "\n"))
            XCTAssertThrowsError(try WordPieceTokenizer(vocabularyFile: path, lowercase: true)) { error in
                XCTAssertEqual(error as? TokenizerError, .missingToken(path: path, token: missing, role: role))
                XCTAssert("\(error)".contains(path) && "\(error)".contains(missing), "\(error)")
            }
        }
    }

    func testSettingsAreValidated() throws {
        var configuration = TokenizerConfiguration(compatibility: .google, lowercase: true)
        configuration.maxInputCharactersPerWord = 0
        XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]), configuration: configuration))
        XCTAssertThrowsError(try EncodingOptions(maxLength: 2))
        XCTAssertThrowsError(try EncodingOptions(padsToMaxLength: true))
        XCTAssertThrowsError(try TokenizerBenchmark(tokenizer: WordPieceTokenizer(vocabulary: Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]),
                                                                                  configuration: TokenizerConfiguration(compatibility: .google, lowercase: true)),
                                                    repetitions: 0))
    }
}
