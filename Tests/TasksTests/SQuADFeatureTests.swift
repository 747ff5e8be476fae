import Foundation
import Tokenizer
import XCTest
@testable import Tasks

/// SQuAD features compared with Google's run_squad.py on the same files and vocabulary
/// (Fixtures/squad/expected.json, written by Tools/reference/tasks_squad_reference.py).
final class SQuADFeatureTests: XCTestCase {
    static let options = SQuADOptions(maxSequenceLength: 32, docStride: 8, maxQueryLength: 6)

    static func expected(_ key: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("squad/expected.json")))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(root[key] as? [String: Any], "no \(key) in expected.json")
    }

    static func load(_ name: String, training: Bool) throws -> SQuADDataset {
        try SQuADData.load(path: Fixtures.path("squad/\(name)"), training: training, tokenizer: Fixtures.googleTokenizer(), options: options)
    }

    private func compare(_ dataset: SQuADDataset, with expected: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(dataset.examples.map(\.id), expected["questions"] as? [String], file: file, line: line)
        let features = try XCTUnwrap(expected["features"] as? [[String: Any]])
        XCTAssertEqual(dataset.features.count, features.count, file: file, line: line)
        for (index, (feature, reference)) in zip(dataset.features, features).enumerated() {
            let window = dataset.windows[index]
            let context = "feature \(index)"
            XCTAssertEqual(dataset.examples[window.example].id, reference["question"] as? String, context, file: file, line: line)
            XCTAssertEqual(window.spanIndex, reference["span"] as? Int, context, file: file, line: line)
            XCTAssertEqual(feature.ids.map(Int.init), reference["ids"] as? [Int], context, file: file, line: line)
            XCTAssertEqual(feature.types.map(Int.init), reference["types"] as? [Int], context, file: file, line: line)
            XCTAssertEqual(feature.mask.map(Int.init), reference["mask"] as? [Int], context, file: file, line: line)
            XCTAssertEqual(Int(feature.start), reference["start"] as? Int ?? -1, context, file: file, line: line)
            XCTAssertEqual(Int(feature.end), reference["end"] as? Int ?? -1, context, file: file, line: line)
            let pieces = dataset.paragraphPieces[dataset.examples[window.example].paragraph]
            let toOriginal = (0..<32).compactMap { position in window.piece(at: position).map { [position, pieces.words[$0]] } }
            XCTAssertEqual(toOriginal, reference["token_to_orig"] as? [[Int]], context, file: file, line: line)
            XCTAssertEqual((0..<32).filter(window.isMaxContext), reference["max_context"] as? [Int], context, file: file, line: line)
        }
    }

    func testTrainingFeaturesMatchRunSquad() throws {
        let v1 = try Self.load("train-v1.1.json", training: true)
        try compare(v1, with: Self.expected("train-v1.1.json training"))
        XCTAssertEqual(v1.warnings.map(\.location), [.question("q-bad"), .question("q-bar"), .question("q-outside")])
        XCTAssertEqual(v1.version, .v1_1)
        let v2 = try Self.load("train-v2.0.json", training: true)
        try compare(v2, with: Self.expected("train-v2.0.json training"))
        XCTAssertEqual(v2.version, .v2_0)
        XCTAssertEqual(v2.warnings, [])
    }

    func testEvaluationFeaturesMatchRunSquad() throws {
        let v1 = try Self.load("dev-v1.1.json", training: false)
        try compare(v1, with: Self.expected("dev-v1.1.json"))
        XCTAssertEqual(v1.warnings.map(\.location), [.question("q-bad"), .question("q-bar"), .question("q-outside")])
        XCTAssertEqual(v1.examples.first?.answers, [SQuADAnswer(text: "John Smith", start: 0), SQuADAnswer(text: "Smith", start: 5)])
        try compare(try Self.load("dev-v2.0.json", training: false), with: Self.expected("dev-v2.0.json"))
    }

    /// Checks that hold whatever the reference says: the answer pieces are where the targets point.
    func testTargetsPointAtTheAnswerPieces() throws {
        let v1 = try Self.load("train-v1.1.json", training: true)
        let tokenizer = try Fixtures.googleTokenizer()
        func targets(_ id: String) -> [[Int32]] {
            v1.features.indices.filter { v1.examples[v1.windows[$0].example].id == id && v1.features[$0].start > 0 }.map {
                let feature = v1.features[$0]
                return Array(feature.ids[Int(feature.start)...Int(feature.end)])
            }
        }
        XCTAssertEqual(Set(targets("q-year")), [tokenizer.tokenize("1895").ids])          // improved inside "(1895-1943)."
        XCTAssertEqual(Set(targets("q-japan")), [[34]])                                   // "Japan" improved to the piece japan of "Japanese"
        XCTAssertEqual(Set(targets("q-who")), [[31, 32]])
        XCTAssertEqual(Set(targets("q-cafe")), [[40]])                                    // café → cafe
        XCTAssertEqual(Set(targets("q-greek")), [[1]])                                    // λόγος → [UNK]
        // Every window that does not hold the whole answer targets [CLS].
        let outside = v1.features.indices.filter { v1.examples[v1.windows[$0].example].id == "q-year" && v1.features[$0].start == 0 }
        XCTAssertFalse(outside.isEmpty)
        XCTAssertTrue(outside.allSatisfy { v1.features[$0].end == 0 })
    }

    func testTestFilesWithoutAnswersCanBePredicted() throws {
        let path = try Fixtures.write("""
            {"version": "v2.0", "data": [{"paragraphs": [{"context": "John was born in Paris.", "qas": [{"id": "t1", "question": "Who?"}]}]}]}
            """, name: "test.json")
        let dataset = try SQuADData.load(path: path, training: false, tokenizer: Fixtures.googleTokenizer(), options: Self.options)
        XCTAssertEqual(dataset.features.count, 1)
        XCTAssertEqual(dataset.features[0].ids.prefix(10), [2, 12, 21, 3, 31, 11, 33, 9, 38, 19])   // [CLS] who ? [SEP] john was born in paris .
        XCTAssertEqual(dataset.features[0].types.prefix(11), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
        var outputs = [Float](repeating: -5, count: 64)
        outputs[4] = 3                     // start at "john"
        outputs[32 + 4] = 3                // end at "john"
        let predictions = try dataset.predictions([outputs])
        XCTAssertEqual(predictions.map(\.answer), ["John"])
        XCTAssertEqual(predictions.first?.nullScoreDiff, -16)   // null −10 minus best 6
    }

    func testParagraphWordsFollowRunSquadWhitespace() {
        let paragraph = SQuADParagraph(context: " a\u{202F}b\u{00A0}c  d\n")
        XCTAssertEqual(paragraph.words, ["a", "b\u{00A0}c", "d"])
        XCTAssertEqual(paragraph.wordStarts, [1, 3, 8])
        XCTAssertEqual(paragraph.characterWords, [-1, 0, 0, 1, 1, 1, 1, 1, 2, 2])
    }

    func testWindows() {
        let spans = SlidingWindows.spans(pieceCount: 10, windowLength: 4, stride: 3)
        XCTAssertEqual(spans.map(\.start), [0, 3, 6])
        XCTAssertEqual(spans.map(\.length), [4, 4, 4])
        XCTAssertEqual(SlidingWindows.spans(pieceCount: 3, windowLength: 4, stride: 3).map(\.length), [3])
        XCTAssertEqual(SlidingWindows.spans(pieceCount: 0, windowLength: 4, stride: 3).count, 0)
        // Piece 3 is in spans 0 (left 3, right 0) and 1 (left 0, right 3): equal scores, the first wins.
        XCTAssertTrue(SlidingWindows.isMaxContext(spans: spans, current: 0, position: 3))
        XCTAssertFalse(SlidingWindows.isMaxContext(spans: spans, current: 1, position: 3))
        // Piece 4: span 1 gives min(1, 2) = 1, span 0 does not hold it.
        XCTAssertTrue(SlidingWindows.isMaxContext(spans: spans, current: 1, position: 4))
    }

    func testBadSQuADFiles() throws {
        let tokenizer = try Fixtures.googleTokenizer()
        func load(_ name: String, training: Bool = true) throws -> SQuADDataset {
            try SQuADData.load(path: Fixtures.path("squad/\(name)"), training: training, tokenizer: tokenizer, options: Self.options)
        }
        let syntax = try Fixtures.path("squad/malformed-syntax.json")
        XCTAssertThrowsError(try load("malformed-syntax.json")) {
            guard case .malformedJSON(let path, let location, _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, syntax)
            XCTAssertTrue(location.hasPrefix("line 4, column "), location)
        }
        let field = try Fixtures.path("squad/malformed-field.json")
        XCTAssertThrowsError(try load("malformed-field.json")) {
            XCTAssertEqual($0 as? TaskDataError, .malformedJSON(path: field, location: "data[0].paragraphs[0].qas[0].answers[0]",
                                                               reason: "missing field 'answer_start'"))
        }
        let two = try Fixtures.path("squad/two-answers.json")
        XCTAssertThrowsError(try load("two-answers.json")) {
            XCTAssertEqual($0 as? TaskDataError, .invalidQuestion(path: two, questionID: "x", reason: "a training question needs exactly one answer, it has 2"))
        }
        XCTAssertEqual(try load("two-answers.json", training: false).examples.first?.answers.count, 2)
        let empty = try Fixtures.path("squad/empty.json")
        XCTAssertThrowsError(try load("empty.json")) { XCTAssertEqual($0 as? TaskDataError, .emptyFile(path: empty)) }
        XCTAssertThrowsError(try SQuADData.load(path: two, training: false, tokenizer: tokenizer,
                                                options: SQuADOptions(maxSequenceLength: 60, maxQueryLength: 64))) {
            guard case .invalidSetting(let name, _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "--max-seq-length")
        }
        let duplicate = try Fixtures.write("""
            {"data": [{"paragraphs": [{"context": "a b", "qas": [{"id": "d", "question": "q", "answers": []},
                                                              {"id": "d", "question": "r", "answers": []}]}]}]}
            """, name: "duplicate.json")
        XCTAssertThrowsError(try SQuADData.load(path: duplicate, training: false, tokenizer: tokenizer)) {
            XCTAssertEqual($0 as? TaskDataError, .invalidQuestion(path: duplicate, questionID: "d", reason: "the id is used by an earlier question"))
        }
    }
}

/// `get_final_text` on hand-made paragraphs.
final class FinalTextTests: XCTestCase {
    private func answer(_ context: String, pieces range: ClosedRange<Int>) throws -> String {
        let tokenizer = try Fixtures.googleTokenizer()
        let paragraph = SQuADParagraph(context: context)
        let pieces = ParagraphPieces(paragraph, tokenizer: tokenizer, session: TokenizerSession())
        return FinalText(paragraph: paragraph, pieces: pieces, spellings: tokenizer.tokens(pieces.ids),
                         unknownID: tokenizer.specialIDs.unknown).text(start: range.lowerBound, end: range.upperBound)
    }

    func testProjectionOntoTheOriginalWords() throws {
        XCTAssertEqual(try answer("The Café was good", pieces: 1...1), "Café")             // cafe → the accented original
        XCTAssertEqual(try answer("Steve Smith's hat", pieces: 5...5), "Smith")            // s ##t ##e ##v ##e smith ' s h ##a ##t
        XCTAssertEqual(try answer("Steve Smith's hat", pieces: 5...7), "Smith's")
        XCTAssertEqual(try answer("A-a", pieces: 2...2), "A")                               // Google's first occurrence of "a"
        XCTAssertEqual(try answer("see λόγος now", pieces: 3...3), "λόγος")                 // [UNK] predicted: the whole word
        XCTAssertEqual(try answer("see λόγος-word now", pieces: 5...8), "word")            // [UNK] beside: from the offsets
        XCTAssertEqual(try answer("a  b\nc", pieces: 0...2), "a b c")                       // words joined by single spaces
    }
}
