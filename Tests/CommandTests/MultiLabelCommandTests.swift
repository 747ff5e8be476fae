import Foundation
import TestSupport
import XCTest

/// Multi-label classification from the command line, as a user runs it: `bert finetune classify --multi-label` on
/// a label column split at a separator and on 0/1 label columns, the model's config.json (`problem_type`,
/// `id2label`), `eval_results.json` with the F1 scores per label, then `bert predict classify` and
/// `bert evaluate classify` on the fine-tuned model without the multi-label flags.
final class MultiLabelCommandTests: XCTestCase {
    private var tinyModel: String { TinyModelFixture.folder }
    private let labels = ["news", "sport", "tech"]

    /// 48 rows of the tiny model's words, each with the labels whose index divides the row number; `columns` writes
    /// them as 0/1 columns (CSV with an id column) instead of a `tags` column.
    private func file(_ name: String, rows: Range<Int>, columns: Bool, in folder: String) throws -> String {
        let words = try TinyModelFixture.words()
        let lines = (columns ? ["id,text," + labels.joined(separator: ",")] : ["text\ttags"]) + rows.map { i in
            let text = TinyModelFixture.sentence(i, of: words, length: 5)
            let has = labels.indices.map { i % ($0 + 2) == 0 }
            if columns { return "r\(i),\(text)," + has.map { $0 ? "1" : "0" }.joined(separator: ",") }
            return text + "\t" + zip(labels, has).filter(\.1).map(\.0).joined(separator: ",")
        }
        let path = folder + "/" + name
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    private func finetune(_ layout: [String], train: String, dev: String, output: String) -> [String] {
        ["finetune", "classify", "--model", tinyModel, "--train", train, "--dev", dev, "--output", output, "--batch-size", "8",
         "--max-seq-length", "16", "--epochs", "1", "--learning-rate", "1e-3", "--device", "cpu", "--threads", "1"] + layout
    }

    func testBothLayoutsFineTunePredictAndEvaluate() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-multilabel", for: self)
        let layouts: [(name: String, columns: Bool, flags: [String])] = [
            ("separated", false, ["--text-column", "text", "--label-column", "tags", "--multi-label"]),
            ("columns", true, ["--text-column", "text", "--id-column", "id", "--multi-label"]),
        ]
        for layout in layouts {
            let ext = layout.columns ? "csv" : "tsv"
            let train = try file("train-\(layout.name).\(ext)", rows: 0..<48, columns: layout.columns, in: work)
            let dev = try file("dev-\(layout.name).\(ext)", rows: 48..<64, columns: layout.columns, in: work)
            let output = work + "/run-\(layout.name)"
            let run = try ToolProcess.run(bert, finetune(layout.flags, train: train, dev: dev, output: output))
            XCTAssertEqual(run.status, 0, run.output)
            XCTAssertTrue(run.output.contains("micro_f1 = "), run.output)

            let config = try json(output + "/model/config.json")
            XCTAssertEqual(config["problem_type"] as? String, "multi_label_classification", layout.name)
            XCTAssertEqual(config["id2label"] as? [String: String], ["0": "news", "1": "sport", "2": "tech"], layout.name)
            let results = try json(output + "/eval_results.json")
            for key in ["micro_f1", "macro_f1", "subset_accuracy", "loss", "precision/news", "recall/sport", "f1/tech"] {
                XCTAssertNotNil(results[key], "\(layout.name): \(key) in \(results.keys.sorted())")
            }

            // The fine-tuned model says it is multi-label: predict and evaluate need no layout flags for input.
            let input = try file("input-\(layout.name).tsv", rows: 64..<70, columns: false, in: work)
            let predictions = work + "/predictions-\(layout.name).jsonl"
            let predict = try ToolProcess.run(bert, ["predict", "classify", "--model", output + "/model", "--input", input,
                                                     "--text-column", "0", "--output", predictions, "--probabilities",
                                                     "--threshold", "0.3", "--max-seq-length", "16", "--device", "cpu"])
            XCTAssertEqual(predict.status, 0, predict.output)
            let records = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(records.count, 7, "the header row is an input too (no label column to tell it apart)")
            let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(records[0].utf8)) as? [String: Any])
            let probabilities = try XCTUnwrap(first["probabilities"] as? [Double])
            let predicted = try XCTUnwrap(first["labels"] as? [String])
            XCTAssertEqual(probabilities.count, 3)
            XCTAssertEqual(predicted, zip(labels, probabilities).filter { $0.1 >= 0.3 }.map(\.0))
            XCTAssertNil(first["label"])

            let evaluate = try ToolProcess.run(bert, ["evaluate", "classify", "--model", output + "/model", "--dev", dev, "--max-seq-length", "16", "--device", "cpu"]
                                               + layout.flags.filter { $0 != "--multi-label" })
            XCTAssertEqual(evaluate.status, 0, evaluate.output)
            XCTAssertTrue(evaluate.output.contains("micro_f1 = "), evaluate.output)
        }
    }

    func testFlagsThatDoNotFitTheModelOrEachOtherAreOneLine() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-multilabel-flags", for: self)
        let train = try file("train.tsv", rows: 0..<8, columns: false, in: work)
        let both = try ToolProcess.run(bert, finetune(["--text-column", "text", "--label-column", "tags", "--label-columns", "a,b"],
                                                      train: train, dev: train, output: work + "/out"))
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.output.contains("--label-column") && both.output.contains("not both"), both.output)
        let regression = try ToolProcess.run(bert, finetune(["--text-column", "text", "--label-column", "tags", "--multi-label", "--regression"],
                                                            train: train, dev: train, output: work + "/out"))
        XCTAssertTrue(regression.output.contains("exclude each other"), regression.output)
        let threshold = try ToolProcess.run(bert, finetune(["--text-column", "text", "--label-column", "tags", "--multi-label", "--threshold", "1"],
                                                           train: train, dev: train, output: work + "/out"))
        XCTAssertTrue(threshold.output.contains("--threshold must be a probability strictly between 0 and 1, got 1.0"), threshold.output)
    }
}
