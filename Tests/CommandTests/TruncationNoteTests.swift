import Foundation
import TestSupport
import XCTest

/// No text is dropped silently: a fine-tune whose inputs are longer than --max-seq-length says how many were cut and
/// how many word pieces they lost (training and dev data, then `bert predict`'s input), and writes the counts into
/// metrics.jsonl and eval_results.json; a run where everything fits, or whose long inputs are read as windows
/// (--doc-stride), says nothing.
final class TruncationNoteTests: XCTestCase {
    /// 32 rows: even rows 12 words (cut to 6 at --max-seq-length 8), odd rows 4 words.
    private func dataFile(in folder: String) throws -> String {
        let words = try TinyModelFixture.words().filter { $0 == $0.lowercased() }
        let lines = ["sentence\tlabel"] + (0..<32).map { i in
            TinyModelFixture.sentence(i, of: words, length: i % 2 == 0 ? 12 : 4) + "\t" + (i % 3 == 0 ? "neg" : "pos")
        }
        let path = folder + "/data.tsv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func finetune(_ data: String, output: String, length: Int) -> [String] {
        ["finetune", "classify", "--model", TinyModelFixture.folder, "--train", data, "--dev", data, "--text-column", "sentence",
         "--label-column", "label", "--output", output, "--batch-size", "8", "--max-seq-length", String(length), "--epochs", "1",
         "--device", "cpu", "--threads", "1"]
    }

    func testCutInputsAreCountedPrintedAndWritten() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-truncation", for: self)
        let data = try dataFile(in: work)
        let cut = try ToolProcess.run(bert, finetune(data, output: work + "/cut", length: 8))
        XCTAssertEqual(cut.status, 0, cut.output)
        for what in ["training data", "dev data"] {
            XCTAssertTrue(cut.output.contains("note: \(what): 16 of 32 inputs (50.0 %) are longer than --max-seq-length 8 and were cut, "
                                              + "losing 96 of 256 word pieces (37.5 %); raise --max-seq-length (this model reads up to")
                              && cut.output.contains("or give --doc-stride N to read long inputs as overlapping windows"),
                          cut.output)
        }
        let first = try String(contentsOfFile: work + "/cut/metrics.jsonl", encoding: .utf8).split(separator: "\n").first ?? ""
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let counts = ["inputs": 32, "truncated_inputs": 16, "word_pieces": 256, "lost_word_pieces": 96]
        XCTAssertEqual(record["truncation"] as? [String: [String: Int]], ["train": counts, "dev": counts])
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/cut/eval_results.json"))) as? [String: Any])
        XCTAssertEqual(results["truncation"] as? [String: Int], counts)

        let predict = try ToolProcess.run(bert, ["predict", "classify", "--model", work + "/cut/model", "--input", data, "--text-column", "sentence",
                                                 "--output", work + "/predictions.jsonl", "--max-seq-length", "8", "--device", "cpu"])
        XCTAssertEqual(predict.status, 0, predict.output)
        XCTAssertTrue(predict.output.contains("note: input data: 16 of 32 inputs (50.0 %)"), predict.output)

        // With --doc-stride nothing is cut: each 12-word row is 3 windows of 6 (starts 0, 3, 6), and nothing is said.
        let windows = try ToolProcess.run(bert, finetune(data, output: work + "/windows", length: 8) + ["--doc-stride", "3"])
        XCTAssertEqual(windows.status, 0, windows.output)
        XCTAssertFalse(windows.output.contains("note:"), windows.output)
        XCTAssertTrue(windows.output.contains("training on 64 features"), windows.output)
        let windowed = try String(contentsOfFile: work + "/windows/metrics.jsonl", encoding: .utf8).split(separator: "\n").first ?? ""
        XCTAssertTrue(windowed.contains("\"lost_word_pieces\":0") && windowed.contains("\"truncated_inputs\":0"), String(windowed))
        let perRow = try ToolProcess.run(bert, ["predict", "classify", "--model", work + "/windows/model", "--input", data,
                                                "--text-column", "sentence", "--output", work + "/windowed.jsonl", "--max-seq-length", "8",
                                                "--doc-stride", "3", "--window-aggregation", "max", "--device", "cpu"])
        XCTAssertEqual(perRow.status, 0, perRow.output)
        XCTAssertFalse(perRow.output.contains("note:"), perRow.output)
        XCTAssertEqual(try String(contentsOfFile: work + "/windowed.jsonl", encoding: .utf8).split(separator: "\n").count, 32,
                       "one prediction per input row")

        let whole = try ToolProcess.run(bert, finetune(data, output: work + "/whole", length: 16))
        XCTAssertEqual(whole.status, 0, whole.output)
        XCTAssertFalse(whole.output.contains("note:"), whole.output)
        let counted = try String(contentsOfFile: work + "/whole/metrics.jsonl", encoding: .utf8).split(separator: "\n").first ?? ""
        XCTAssertTrue(counted.contains("\"truncated_inputs\":0"), String(counted))
    }

    func testNERSentencesAreCutOrReadAsWindows() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-truncation-ner", for: self)
        let words = try TinyModelFixture.words().filter { $0 == $0.lowercased() }
        // 8 sentences of 12 words, every third a person.
        let text = (0..<8).map { i in
            TinyModelFixture.sentence(i, of: words, length: 12).split(separator: " ").enumerated()
                .map { "\($0.element) \($0.offset % 3 == 0 ? "B-PER" : "O")" }.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
        let data = work + "/train.conll"
        try text.write(toFile: data, atomically: true, encoding: .utf8)
        func finetune(_ output: String, _ extra: [String]) throws -> ToolProcess.Outcome {
            try ToolProcess.run(bert, ["finetune", "ner", "--model", TinyModelFixture.folder, "--train", data, "--dev", data,
                                       "--output", work + "/" + output, "--batch-size", "4", "--max-seq-length", "8", "--epochs", "1",
                                       "--device", "cpu", "--threads", "1"] + extra)
        }
        let cut = try finetune("cut", [])
        XCTAssertEqual(cut.status, 0, cut.output)
        XCTAssertTrue(cut.output.contains("note: training data: 8 of 8 inputs (100.0 %) are longer than --max-seq-length 8 and were cut, "
                                          + "losing 48 of 96 word pieces (50.0 %)"), cut.output)
        let windows = try finetune("windows", ["--doc-stride", "3"])
        XCTAssertEqual(windows.status, 0, windows.output)
        XCTAssertFalse(windows.output.contains("note:"), windows.output)
        XCTAssertTrue(windows.output.contains("training on 24 features"), windows.output)   // 3 windows of 6 per sentence
    }
}
