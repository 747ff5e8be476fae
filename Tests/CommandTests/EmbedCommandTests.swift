import Foundation
import TestSupport
import XCTest

/// `bert embed` as a user runs it: plain lines (an empty line is a text, a final newline is not), a column of a
/// JSON Lines file, the pooling it reports for a model without modules.json, and a bad output extension.
final class EmbedCommandTests: XCTestCase {
    func testLinesAndColumnsBecomeOneVectorPerText() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-embed", for: self)
        let words = try TinyModelFixture.words()
        let lines = [TinyModelFixture.sentence(1, of: words, length: 4), "", TinyModelFixture.sentence(2, of: words, length: 40)]
        try (lines.joined(separator: "\n") + "\n").write(toFile: work + "/texts.txt", atomically: true, encoding: .utf8)
        let run = try ToolProcess.run(bert, ["embed", "--model", TinyModelFixture.folder, "--input", work + "/texts.txt",
                                             "--output", work + "/out.jsonl", "--max-seq-length", "16", "--device", "cpu"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("pooling: mean (\(TinyModelFixture.folder) declares none (no modules.json): mean)"), run.output)
        XCTAssertTrue(run.output.contains("note: 1 of 3 texts are longer than --max-seq-length 16 and were truncated"), run.output)
        let rows = try String(contentsOfFile: work + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 3)
        XCTAssertTrue(rows[1].hasPrefix("{\"index\":1,\"embedding\":["), String(rows[1]))

        let json = lines.map { "{\"id\": 1, \"body\": \(String(decoding: try! JSONEncoder().encode($0), as: UTF8.self))}" }
        try (json.joined(separator: "\n") + "\n").write(toFile: work + "/texts.jsonl", atomically: true, encoding: .utf8)
        let column = try ToolProcess.run(bert, ["embed", "--model", TinyModelFixture.folder, "--input", work + "/texts.jsonl",
                                                "--text-column", "body", "--output", work + "/out2.jsonl", "--max-seq-length", "16",
                                                "--pooling", "cls", "--normalize", "--device", "cpu"])
        XCTAssertEqual(column.status, 0, column.output)
        XCTAssertTrue(column.output.contains("pooling: cls, normalized ("), column.output)
        XCTAssertEqual(try String(contentsOfFile: work + "/out2.jsonl", encoding: .utf8).split(separator: "\n").count, 3)

        let bad = try ToolProcess.run(bert, ["embed", "--model", TinyModelFixture.folder, "--input", work + "/texts.txt",
                                             "--output", work + "/out.csv", "--device", "cpu"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.output.contains("--output \(work)/out.csv: the extension must be .npy, .safetensors or .jsonl"), bad.output)
    }
}
