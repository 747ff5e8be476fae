import Foundation
import Tokenizer
import XCTest

/// Paths into Tests/TasksTests/Fixtures and the tokenizers over its small vocabulary.
enum Fixtures {
    static var root: URL {
        get throws { try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)) }
    }

    static func path(_ relative: String) throws -> String {
        try root.appendingPathComponent(relative).path
    }

    /// The vocabulary folder read as a HuggingFace model directory (do_lower_case: true).
    static func tokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(modelDirectory: path("vocab"))
    }

    /// The same vocabulary with Google's tokenization.py behaviour (what run_squad.py used for expected.json).
    static func googleTokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabularyFile: path("vocab/vocab.txt"), lowercase: true, compatibility: .google)
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `text` to a temporary file and returns its path.
    static func write(_ text: String, name: String) throws -> String {
        let path = try temporaryDirectory() + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
