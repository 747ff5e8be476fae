import Tokenizer
import XCTest
@testable import Tasks

final class TextFileTests: XCTestCase {
    func testCSVFollowsRFC4180() throws {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n,,\"two\nlines\"\rlast,\"\",x\"y"
        let rows = try DelimitedText.csv(Array(text.utf8), path: "t.csv")
        XCTAssertEqual(rows, [DelimitedRow(line: 1, fields: ["a", "b,c", "say \"hi\""]),
                              DelimitedRow(line: 2, fields: ["", "", "two\nlines"]),
                              DelimitedRow(line: 4, fields: ["last", "", "x\"y"])])
        XCTAssertThrowsError(try DelimitedText.csv(Array("a,\"b\"c\n".utf8), path: "t.csv")) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: "t.csv", line: 1,
                                                              reason: "text after the closing quote of a CSV field (a quote inside a quoted field must be doubled)"))
        }
    }

    func testTSVKeepsQuotesAndEmptyFields() {
        let rows = DelimitedText.tsv(Array("\"a\tb\"\t\r\n\nc\n".utf8))
        XCTAssertEqual(rows, [DelimitedRow(line: 1, fields: ["\"a", "b\"", ""]), DelimitedRow(line: 3, fields: ["c"])])
    }

    func testCSVWithNamedColumnsAndDiscoveredLabels() throws {
        let path = try Fixtures.path("glue/generic/reviews.csv")
        let format = TextFileFormat(kind: .csv, textColumn: .name("review"), labelColumn: .name("sentiment"), idColumn: .name("id"))
        XCTAssertThrowsError(try TextFileData.load(path: path, format: format, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .emptyText(path: path, line: 8, field: "text (column 'review')"))
        }
        let data = try TextFileData.load(path: path, format: format, tokenizer: Fixtures.tokenizer(), options: TaskOptions(badRows: .skip))
        XCTAssertEqual(data.examples.map(\.text), ["Great movie, really great", "He said \"bad\" twice", "line one\r\nline two", "plain text"])
        XCTAssertEqual(data.examples.map(\.id), ["r1", "r2", "r3", "r4"])
        XCTAssertEqual(data.examples.map(\.line), [2, 3, 4, 7])
        XCTAssertEqual(data.labels, ["neg", "neutral", "pos"])
        XCTAssertEqual(data.features.map(\.label), [2, 0, 2, 1])
        XCTAssertEqual(data.warnings.map(\.location), [.line(8)])
        XCTAssertEqual(data.primaryMetric, "accuracy")
        XCTAssertEqual(try TextFileData.discoverLabels(path: path, format: format, policy: .skip), ["neg", "neutral", "pos"])

        let missing = TextFileFormat(kind: .csv, textColumn: .name("nope"), labelColumn: .name("sentiment"))
        XCTAssertThrowsError(try TextFileData.load(path: path, format: missing, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .missingColumn(path: path, column: "nope", header: ["id", "review", "sentiment"]))
        }
    }

    func testJSONLines() throws {
        let path = try Fixtures.path("glue/generic/reviews.jsonl")
        let format = TextFileFormat(kind: .jsonl, textColumn: .name("text"), labelColumn: .name("label"), idColumn: .name("id"))
        let data = try TextFileData.load(path: path, format: format, tokenizer: Fixtures.tokenizer())
        XCTAssertEqual(data.examples.map(\.id), ["7", "8", "9"])
        XCTAssertEqual(data.examples.map(\.line), [1, 3, 4])
        XCTAssertEqual(data.labels, ["neg", "pos"])
        XCTAssertEqual(data.features.map(\.label), [1, 0, 1])
        XCTAssertEqual(data.features[0].ids.prefix(5), [2, 6, 43, 42, 3])
        let regression = TextFileFormat(kind: .jsonl, textColumn: .name("text"), labelColumn: .name("score"), isRegression: true)
        XCTAssertThrowsError(try TextFileData.load(path: path, format: regression, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: path, line: 1, reason: "no label column 'score'"))
        }
        let broken = try Fixtures.path("glue/generic/broken.jsonl")
        XCTAssertThrowsError(try TextFileData.load(path: broken, format: format, tokenizer: Fixtures.tokenizer())) {
            guard case .malformedRow(let file, let line, let reason)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, broken)
            XCTAssertEqual(line, 2)
            XCTAssertTrue(reason.hasPrefix("not a JSON object ("), reason)
        }
        let kept = try TextFileData.load(path: broken, format: format, tokenizer: Fixtures.tokenizer(), options: TaskOptions(badRows: .skip))
        XCTAssertEqual(kept.examples.map(\.text), ["ok"])
        XCTAssertEqual(kept.warnings.map(\.location), [.line(2)])
        let byIndex = TextFileFormat(kind: .jsonl, textColumn: .index(0), labelColumn: .name("label"))
        XCTAssertThrowsError(try TextFileData.load(path: path, format: byIndex, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .invalidSetting(name: "columns", expected: "JSON keys for a JSON Lines file, not index 0"))
        }
    }

    func testHeaderDetectionWithColumnIndices() throws {
        let tokenizer = try Fixtures.tokenizer()
        let format = TextFileFormat(kind: .tsv, textColumn: .index(1), textPairColumn: .index(2), labelColumn: .index(0))
        let withHeader = try TextFileData.load(path: Fixtures.path("glue/generic/with-header.tsv"), format: format, tokenizer: tokenizer)
        XCTAssertEqual(withHeader.examples.map(\.text), ["good movie", "bad movie", "great movie"])
        XCTAssertEqual(withHeader.examples.first?.textPair, "it was great")
        let given = try TextFileData.load(path: Fixtures.path("glue/generic/with-header.tsv"), format: format, labels: ["pos", "neg"],
                                          tokenizer: tokenizer)
        XCTAssertEqual(given.features.map(\.label), [0, 1, 0])
        let withoutHeader = try TextFileData.load(path: Fixtures.path("glue/generic/no-header.tsv"), format: format, tokenizer: tokenizer)
        XCTAssertEqual(withoutHeader.examples.count, 4)
        XCTAssertEqual(withoutHeader.examples.first?.id, "line-1")
        let scores = TextFileFormat(kind: .tsv, textColumn: .index(1), labelColumn: .index(0), isRegression: true)
        let regression = try TextFileData.load(path: Fixtures.path("glue/generic/scores.tsv"), format: scores, tokenizer: tokenizer)
        XCTAssertEqual(regression.head, .regression)
        XCTAssertEqual(regression.features.map(\.target), [0.5, 4.25, 3])
        XCTAssertEqual(regression.primaryMetric, "pearson")
        XCTAssertEqual(TextFileFormat.Kind(path: "x/Train.CSV"), .csv)
        XCTAssertEqual(TextFileFormat.Column("2"), .index(2))
        XCTAssertEqual(TextFileFormat.Column("label"), .name("label"))
    }

    func testCSVSyntaxErrorsNameTheLine() throws {
        let format = TextFileFormat(kind: .csv, textColumn: .name("review"), labelColumn: .name("sentiment"))
        for (name, line, reason) in [("unterminated.csv", 2, "a quoted CSV field is never closed"),
                                     ("after-quote.csv", 2, "text after the closing quote of a CSV field (a quote inside a quoted field must be doubled)")] {
            let path = try Fixtures.path("glue/generic/\(name)")
            XCTAssertThrowsError(try TextFileData.load(path: path, format: format, tokenizer: Fixtures.tokenizer())) {
                XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: path, line: line, reason: reason))
            }
        }
        let path = try Fixtures.write("id,review,sentiment\nr1,fine,pos\nr2,too,many,columns\n", name: "columns.csv")
        XCTAssertThrowsError(try TextFileData.load(path: path, format: format, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: path, line: 3, reason: "expected 3 comma-separated columns (as the header), found 4"))
        }
        let unlabelled = TextFileFormat(kind: .csv, textColumn: .name("review"))
        let plain = try Fixtures.write("id,review\nr1,fine\n", name: "plain.csv")
        XCTAssertThrowsError(try TextFileData.load(path: plain, format: unlabelled, tokenizer: Fixtures.tokenizer())) {
            XCTAssertEqual($0 as? TaskDataError, .invalidSetting(name: "labels", expected: "the label list for the unlabelled file \(plain)"))
        }
        let predictable = try TextFileData.load(path: plain, format: unlabelled, labels: ["neg", "pos"], tokenizer: Fixtures.tokenizer())
        XCTAssertEqual(predictable.features.map(\.label), [-1])
    }
}
