import Foundation
import Tokenizer
import XCTest

/// Reading HuggingFace model directories: the settings HuggingFace reads, and errors naming file and field.
final class ModelDirectoryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\nHello\n".write(to: directory.appendingPathComponent("vocab.txt"),
                                                                                  atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ json: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testFixtureDirectoryIsUncasedHuggingFace() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: try ReferenceTokenizers.modelDirectory())
        XCTAssertEqual(tokenizer.configuration.compatibility, .huggingFace)
        XCTAssertTrue(tokenizer.configuration.lowercase)
        XCTAssertTrue(tokenizer.configuration.stripsAccents)
        XCTAssertEqual(tokenizer.vocabulary.count, 30522)
        let ids = tokenizer.specialIDs
        XCTAssertEqual([ids.unknown, ids.classifier, ids.separator, ids.padding, ids.mask], [100, 101, 102, 0, 103])
    }

    func testDefaultsWithoutConfiguration() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: directory.path)
        XCTAssertTrue(tokenizer.configuration.lowercase)
        XCTAssertEqual(tokenizer.tokens(tokenizer.tokenize("Hello worlds [MASK]").ids), ["hello", "world", "##s", "[MASK]"])
    }

    func testSettingsAndAddedTokens() throws {
        _ = try write("tokenizer_config.json", """
            {"do_lower_case": false, "strip_accents": true, "tokenize_chinese_chars": false, "never_split": ["hello"],
             "mask_token": {"content": "[MASK]", "lstrip": true, "rstrip": false, "single_word": false, "normalized": false, "special": true},
             "added_tokens_decoder": {"9": {"content": "<ent>", "special": false, "normalized": false, "lstrip": true, "rstrip": true}}}
            """)
        let tokenizer = try WordPieceTokenizer(modelDirectory: directory.path)
        let configuration = tokenizer.configuration
        XCTAssertFalse(configuration.lowercase)
        XCTAssertEqual(configuration.stripAccents, true)
        XCTAssertFalse(configuration.tokenizeChineseCharacters)
        XCTAssertEqual(configuration.neverSplit, ["hello"])
        XCTAssertEqual(configuration.addedTokens, [AddedToken(content: "<ent>", isSpecial: false, normalized: false, id: 9)])
        let result = tokenizer.tokenize("Hello <ent>  hello")
        XCTAssertEqual(tokenizer.tokens(result.ids), ["Hello", "<ent>", "hello"])
        XCTAssertEqual(result.ids, [8, 9, 5])
        XCTAssertEqual(result.offsets.map(\.unicodeScalars), [0..<5, 6..<11, 13..<18])
    }

    func testLegacyFilesWhenConfigurationHasNoDecoder() throws {
        _ = try write("special_tokens_map.json", #"{"mask_token": "[MASK]", "additional_special_tokens": ["[E1]"]}"#)
        _ = try write("tokenizer.json", #"{"added_tokens": [{"id": 9, "content": "[E1]", "special": true, "normalized": false}], "model": {}}"#)
        let tokenizer = try WordPieceTokenizer(modelDirectory: directory.path)
        XCTAssertEqual(tokenizer.configuration.specialTokens.additional, ["[E1]"])
        XCTAssertEqual(tokenizer.tokenize("hello[E1]world").ids, [5, 9, 6])
    }

    func testMalformedConfigurationNamesFileAndField() throws {
        let cases: [(String, TokenizerError)] = [
            ("{not json", .malformedConfiguration(path: "", field: "(document)", expected: "a JSON object")),
            ("[1, 2]", .malformedConfiguration(path: "", field: "(document)", expected: "a JSON object")),
            (#"{"do_lower_case": "yes"}"#, .malformedConfiguration(path: "", field: "do_lower_case", expected: "true, false or null")),
            (#"{"never_split": "hello"}"#, .malformedConfiguration(path: "", field: "never_split", expected: "a list of strings or null")),
            (#"{"unk_token": 5}"#, .malformedConfiguration(path: "", field: "unk_token", expected: "a string or an object with a string 'content'")),
            (#"{"added_tokens_decoder": {"x": {"content": "a"}}}"#,
             .malformedConfiguration(path: "", field: "added_tokens_decoder.x", expected: "integer keys (token ids)")),
            (#"{"added_tokens_decoder": {"9": {"content": "a", "single_word": true}}}"#,
             .unsupportedConfiguration(path: "", field: "added_tokens_decoder.9.single_word", reason: "single_word tokens are not supported (token 'a')")),
            (#"{"do_basic_tokenize": false}"#,
             .unsupportedConfiguration(path: "", field: "do_basic_tokenize", reason: "false is not supported (BERT always runs the basic tokenizer)")),
        ]
        for (json, expected) in cases {
            let path = try write("tokenizer_config.json", json)
            XCTAssertThrowsError(try WordPieceTokenizer(modelDirectory: directory.path), json) { error in
                XCTAssertEqual(error as? TokenizerError, Self.withPath(expected, path), json)
                XCTAssert("\(error)".hasPrefix(path), "\(error)")
            }
        }
    }

    func testMissingVocabulary() throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent("vocab.txt"))
        XCTAssertThrowsError(try WordPieceTokenizer(modelDirectory: directory.path)) { error in
            XCTAssertEqual(error as? TokenizerError, .missingVocabulary(directory: directory.path))
        }
    }

    private static func withPath(_ error: TokenizerError, _ path: String) -> TokenizerError {
        switch error {
        case let .malformedConfiguration(_, field, expected): return .malformedConfiguration(path: path, field: field, expected: expected)
        case let .unsupportedConfiguration(_, field, reason): return .unsupportedConfiguration(path: path, field: field, reason: reason)
        default: return error
        }
    }
}
