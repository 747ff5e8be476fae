import Tokenizer
import XCTest
@testable import Tasks

/// Multi-label text files: a label column split at a separator, or one 0/1 column per label (`TextFileFormat.LabelLayout`).
final class MultiLabelFileTests: XCTestCase {
    private func load(_ text: String, name: String, _ format: TextFileFormat, labels: [String]? = nil,
                      options: TaskOptions = TaskOptions(maxSequenceLength: 16)) throws -> TextClassificationDataset {
        try TextFileData.load(path: try Fixtures.write(text, name: name), format: format, labels: labels,
                              tokenizer: try Fixtures.tokenizer(), options: options)
    }

    func testSeparatedLabelsAreDiscoveredSortedAndBecomeIndicatorTargets() throws {
        let format = TextFileFormat(kind: .tsv, textColumn: .name("text"), labelColumn: .name("tags"), idColumn: .name("id"),
                                    labelLayout: .separated(","))
        let data = try load("id\ttext\ttags\na\tthe movie\tplot, music\nb\tgood movie\t\nc\tthe good\tacting,plot,plot\n",
                            name: "train.tsv", format)
        XCTAssertEqual(data.head, .multiLabel(labels: ["acting", "music", "plot"]))
        XCTAssertEqual(data.examples.map(\.labelSet), [["plot", "music"], [], ["acting", "plot"]])
        XCTAssertEqual(data.features.map(\.labelSet), [[0, 1, 1], [0, 0, 0], [1, 0, 1]])
        XCTAssertEqual(data.metricSet, .multiLabel)
        XCTAssertEqual(data.primaryMetric, "micro_f1")

        // A dev row with a label the training file never had names the file and line.
        let dev = try Fixtures.write("id\ttext\ttags\na\tthe movie\tplot\nb\tgood movie\tdialogue\n", name: "dev.tsv")
        XCTAssertThrowsError(try TextFileData.load(path: dev, format: format, labels: data.labels, tokenizer: try Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .unknownLabel(path: dev, line: 3, label: "dialogue", known: ["acting", "music", "plot"]))
        }
        // So does a row without the label column.
        let short = try Fixtures.write("text,tags\nthe movie,plot\ngood movie\n", name: "short.csv")
        let csv = TextFileFormat(kind: .csv, textColumn: .name("text"), labelColumn: .name("tags"), labelLayout: .separated(";"))
        XCTAssertThrowsError(try TextFileData.load(path: short, format: csv, tokenizer: try Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: short, line: 3, reason: "expected 2 comma-separated columns (as the header), found 1"))
        }
    }

    func testIndicatorColumnsNamedOrEveryOtherColumn() throws {
        let text = "id,text,plot,acting,music\na,the movie,1,0,true\nb,good movie,0,0,0\nc,the good,0.0,1.0,FALSE\n"
        let all = TextFileFormat(kind: .csv, textColumn: .name("text"), idColumn: .name("id"), labelLayout: .indicatorColumns(nil))
        let data = try load(text, name: "train.csv", all)
        // The labels are the columns, in the header's order.
        XCTAssertEqual(data.labels, ["plot", "acting", "music"])
        XCTAssertEqual(data.features.map(\.labelSet), [[1, 0, 1], [0, 0, 0], [0, 1, 0]])
        XCTAssertEqual(data.examples.map(\.id), ["a", "b", "c"])

        let named = TextFileFormat(kind: .csv, textColumn: .index(1), labelLayout: .indicatorColumns([.name("music"), .index(2)]))
        let some = try load(text, name: "train.csv", named)
        XCTAssertEqual(some.labels, ["music", "plot"])
        XCTAssertEqual(some.features.map(\.labelSet), [[1, 1], [0, 0], [0, 0]])

        // Forgetting the id column makes it a label column: its values are not 0 or 1.
        let noID = TextFileFormat(kind: .csv, textColumn: .name("text"), labelLayout: .indicatorColumns(nil))
        XCTAssertThrowsError(try load(text, name: "ids.csv", noID)) {
            guard case .malformedRow(_, 2, let reason)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(reason, "label column 'id' must hold 1 or 0 (true or false), found 'a'")
        }
        // A dev file must have the training labels' columns, no more and no fewer.
        let dev = try Fixtures.write("id,text,plot,music\na,the movie,1,0\n", name: "dev.csv")
        XCTAssertThrowsError(try TextFileData.load(path: dev, format: all, labels: data.labels, tokenizer: try Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .missingColumn(path: dev, column: "acting", header: ["plot", "music"]))
        }
        let extra = try Fixtures.write("id,text,plot,acting,music,score\na,the movie,1,0,0,1\n", name: "dev.csv")
        XCTAssertThrowsError(try TextFileData.load(path: extra, format: all, labels: data.labels, tokenizer: try Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .unknownLabel(path: extra, line: 1, label: "score", known: ["plot", "acting", "music"]))
        }
        // Without a header there are no label names.
        let headerless = TextFileFormat(kind: .csv, textColumn: .index(0), header: .absent, labelLayout: .indicatorColumns(nil))
        XCTAssertThrowsError(try load("the movie,1\n", name: "bare.csv", headerless)) {
            guard case .invalidSetting(name: "header", _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
        }
    }

    func testJSONLinesIndicatorKeysMustBeNamed() throws {
        let text = "{\"text\": \"the movie\", \"plot\": 1, \"music\": false}\n{\"text\": \"good movie\", \"plot\": 0, \"music\": true}\n"
        let format = TextFileFormat(kind: .jsonl, textColumn: .name("text"), labelLayout: .indicatorColumns([.name("plot"), .name("music")]))
        let data = try load(text, name: "train.jsonl", format)
        XCTAssertEqual(data.labels, ["plot", "music"])
        XCTAssertEqual(data.features.map(\.labelSet), [[1, 0], [0, 1]])
        var unnamed = format
        unnamed.labelLayout = .indicatorColumns(nil)
        XCTAssertThrowsError(try load(text, name: "train.jsonl", unnamed)) {
            guard case .invalidSetting(name: "--label-columns", _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
        }
        let missing = try Fixtures.write("{\"text\": \"the movie\", \"plot\": 1}\n", name: "missing.jsonl")
        XCTAssertThrowsError(try TextFileData.load(path: missing, format: format, tokenizer: try Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: missing, line: 1, reason: "no label column 'music'"))
        }
    }

    func testUnlabelledInputPredictsLabelListsAtTheThreshold() throws {
        let format = TextFileFormat(kind: .tsv, textColumn: .index(0), header: .absent, labelLayout: .separated(","))
        let data = try load("the movie\ngood movie\n", name: "input.tsv", format, labels: ["plot", "music"],
                            options: TaskOptions(maxSequenceLength: 16, threshold: 0.8))
        XCTAssertEqual(data.head, .multiLabel(labels: ["plot", "music"]))
        XCTAssertEqual(data.features.map(\.labelSet), [nil, nil])
        let predictions = try data.predictions([[1, 2], [-1, 1.5]])   // σ(1) 0.73, σ(2) 0.88, σ(1.5) 0.82
        XCTAssertEqual(predictions.map(\.labels), [["music"], ["music"]])
        XCTAssertThrowsError(try load("the movie\n", name: "input.tsv", format, labels: ["plot"], options: TaskOptions(threshold: 1))) {
            guard case .invalidSetting(name: "--threshold", _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
        }
    }
}
