import Tokenizer
import Training
import XCTest
@testable import Tasks

final class NERTests: XCTestCase {
    private let labels = ["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]

    private func train(maxSequenceLength: Int) throws -> NERDataset {
        try NERData.load(path: Fixtures.path("ner/train.txt"), tokenizer: Fixtures.tokenizer(),
                         options: TaskOptions(maxSequenceLength: maxSequenceLength))
    }

    func testChunksFollowSeqeval() {
        typealias Chunk = EntityTags.Chunk
        XCTAssertEqual(EntityTags.chunks(["B-PER", "I-PER", "O", "B-LOC"]), [Chunk(type: "PER", start: 0, end: 1), Chunk(type: "LOC", start: 3, end: 3)])
        XCTAssertEqual(EntityTags.chunks(["I-PER", "I-LOC", "I-LOC", "B-LOC"]),
                       [Chunk(type: "PER", start: 0, end: 0), Chunk(type: "LOC", start: 1, end: 2), Chunk(type: "LOC", start: 3, end: 3)])
        XCTAssertEqual(EntityTags.chunks(["S-PER", "B-LOC", "E-LOC", "I-LOC", "O", "E-X"]),
                       [Chunk(type: "PER", start: 0, end: 0), Chunk(type: "LOC", start: 1, end: 2), Chunk(type: "LOC", start: 3, end: 3),
                        Chunk(type: "X", start: 5, end: 5)])
        XCTAssertEqual(EntityTags.chunks(["B-PER", "I-MISC", "O", "I-ORG", "I-ORG"]),
                       [Chunk(type: "PER", start: 0, end: 0), Chunk(type: "MISC", start: 1, end: 1), Chunk(type: "ORG", start: 3, end: 4)])
        XCTAssertEqual(EntityTags.chunks(["O", "B", "I", "B-X-Y", "I-X-Y"]),
                       [Chunk(type: "_", start: 1, end: 2), Chunk(type: "X-Y", start: 3, end: 4)])
        XCTAssertEqual(EntityTags.toIOB2(["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG"]),
                       ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG"])
        XCTAssertEqual(EntityTags.toIOB2(["B-PER", "I-PER", "O"]), ["B-PER", "I-PER", "O"])
    }

    func testReaderSkipsDocstartAndReadsTheLastColumn() throws {
        let data = try train(maxSequenceLength: 64)
        XCTAssertEqual(data.sentences.map(\.words.count), [9, 4, 13])
        XCTAssertEqual(data.sentences.map(\.line), [3, 13, 20])
        XCTAssertEqual(data.sentences[1].words, ["Peter", "Blackburn", "John", "Smith"])
        XCTAssertEqual(data.sentences[1].tags, ["I-PER", "I-PER", "B-PER", "I-PER"])
        XCTAssertEqual(data.goldTags[1], ["B-PER", "I-PER", "B-PER", "I-PER"])
        XCTAssertEqual(data.labels, labels)
        XCTAssertEqual(data.head, .tagging(labels: labels))
        XCTAssertEqual(data.repairedTags, 7)
        XCTAssertEqual(data.truncatedSentences, 0)
    }

    func testFirstPieceCarriesTheLabelAndLongSentencesAreTruncated() throws {
        let data = try train(maxSequenceLength: 16)
        let feature = data.features[2]   // Paris and New York were the capital of the river Smithsonian Institution .
        XCTAssertEqual(feature.ids, [2, 38, 47, 54, 55, 99, 107, 120, 107, 5, 57, 8, 5, 56, 32, 3])
        XCTAssertEqual(feature.tokenLabels, [-1, 0, 8, 0, 4, 8, -1, -1, -1, 8, 8, 8, 8, 8, 2, -1])
        XCTAssertEqual(feature.types, [Int32](repeating: 0, count: 16))
        XCTAssertEqual(feature.mask, [Int32](repeating: 1, count: 16))
        XCTAssertEqual(data.wordPositions[2].map { $0?.position }, [1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, nil, nil])
        XCTAssertEqual(data.truncatedSentences, 3)
        XCTAssertEqual(data.truncatedWords, 6 + 2 + 2)   // from "call" on; John Smith; Institution and .
        // Every piece is counted once: those kept at 16 plus those lost are all the pieces, which fit at 128.
        func pieces(_ data: NERDataset) -> Int { data.features.map { Int($0.mask.reduce(0, +)) - 2 }.reduce(0, +) }
        let whole = try train(maxSequenceLength: 128)
        XCTAssertEqual(whole.truncation, Truncation(inputs: data.sentences.count, truncatedInputs: 0, pieces: pieces(whole), lostPieces: 0))
        XCTAssertEqual(data.truncation, Truncation(inputs: data.sentences.count, truncatedInputs: 3, pieces: pieces(whole),
                                                   lostPieces: pieces(whole) - pieces(data)))
        let padded = try train(maxSequenceLength: 64).features[1]   // Peter Blackburn John Smith: 5 + 9 + 1 + 1 pieces
        XCTAssertEqual(padded.tokenLabels?.prefix(19), [-1, 3, -1, -1, -1, -1, 7, -1, -1, -1, -1, -1, -1, -1, -1, 3, 7, -1, -1])
        XCTAssertEqual(padded.mask.reduce(0, +), 18)
    }

    /// Gold and predictions as in Tools/reference/tasks_metrics_reference.py; expected values from seqeval 1.2.2
    /// (entity scores on the IOB1 gold as written; accuracy on the IOB2 gold the model is trained on).
    func testPredictedTagsAndSeqevalMetrics() throws {
        let data = try train(maxSequenceLength: 24)
        XCTAssertEqual(data.truncatedWords, 4)   // British, lamb, . in the first sentence; the final . in the third
        let wanted = [["B-ORG", "O", "B-MISC", "O", "O", "O", "O", "O", "O"],
                      ["B-PER", "I-PER", "I-PER", "I-PER"],
                      ["B-LOC", "O", "B-LOC", "I-LOC", "O", "O", "O", "O", "O", "B-LOC", "I-ORG", "O", "O"]]
        let classes = labels.count
        let outputs: [[Float]] = zip(data.wordPositions.map { $0.map { $0?.position } }, wanted).map { positions, tags in
            var row = (0..<(24 * classes)).map { Float(($0 * 3) % 7) * 0.1 }
            for (position, tag) in zip(positions, tags) {
                guard let position, let label = labels.firstIndex(of: tag) else { continue }
                row[position * classes + label] = 5
            }
            return row
        }
        XCTAssertEqual(try data.predictedTags(outputs), wanted)
        let metrics = try data.entityMetrics(outputs)
        XCTAssertEqual(metrics.overall.precision, 0.5714285714285714, accuracy: 1e-15)
        XCTAssertEqual(metrics.overall.recall, 0.5, accuracy: 1e-15)
        XCTAssertEqual(metrics.overall.f1, 0.5333333333333333, accuracy: 1e-15)
        XCTAssertEqual(metrics.accuracy, 0.8076923076923077, accuracy: 1e-15)
        XCTAssertEqual(metrics.byType["LOC"], EntityMetrics.Scores(precision: 2.0 / 3, recall: 1, f1: 0.8, support: 2))
        XCTAssertEqual(metrics.byType["MISC"], EntityMetrics.Scores(precision: 1, recall: 0.5, f1: 2.0 / 3, support: 2))
        XCTAssertEqual(metrics.byType["ORG"], EntityMetrics.Scores(precision: 0.5, recall: 0.5, f1: 0.5, support: 2))
        XCTAssertEqual(metrics.byType["PER"], EntityMetrics.Scores(precision: 0, recall: 0, f1: 0, support: 2))
        let dictionary = try data.metrics(outputs)
        XCTAssertEqual(dictionary["f1"] ?? 0, 0.5333333333333333, accuracy: 1e-15)
        XCTAssertEqual(dictionary["LOC_support"], 2)
        XCTAssertEqual(data.primaryMetric, "f1")
        XCTAssertEqual(try data.predictions(outputs).map(\.line), [3, 13, 20])
        XCTAssertEqual(try data.predictions(outputs)[1].tags, wanted[1])
        // The dev loss over the tagged pieces: all-zero logits give log(classes) at each.
        let zeros = outputs.map { [Float](repeating: 0, count: $0.count) }
        XCTAssertEqual(try data.metrics(zeros)["loss"] ?? 0, log(Double(classes)), accuracy: 1e-12)
        XCTAssertLessThan(dictionary["loss"] ?? .infinity, log(Double(classes)), "the scripted logits beat uniform ones")
    }

    func testDevFileUsesTheTrainingLabels() throws {
        let tokenizer = try Fixtures.tokenizer()
        let dev = try NERData.load(path: Fixtures.path("ner/dev.txt"), labels: labels, tokenizer: tokenizer)
        XCTAssertEqual(dev.sentences.map(\.words), [["John", "Smith", "went", "to", "Paris", "."], ["The", "Japanese", "movie"]])
        XCTAssertEqual(dev.features[1].tokenLabels?.prefix(6), [-1, 8, 1, -1, 8, -1])   // the, japan ##ese, movie
        let unknown = try Fixtures.path("ner/unknown-tag.txt")
        XCTAssertThrowsError(try NERData.load(path: unknown, labels: ["B-PER", "I-PER", "O"], tokenizer: tokenizer)) {
            XCTAssertEqual($0 as? TaskDataError, .unknownLabel(path: unknown, line: 3, label: "B-CITY", known: ["B-PER", "I-PER", "O"]))
        }
        let unlabelled = try NERData.load(path: Fixtures.path("ner/unlabelled.txt"), labels: labels, labelled: false, tokenizer: tokenizer)
        XCTAssertEqual(unlabelled.sentences.map(\.words), [["John", "Smith", "went"], ["to"]])
        XCTAssertEqual(unlabelled.features[0].tokenLabels, [Int32](repeating: -1, count: 128))
        XCTAssertThrowsError(try unlabelled.metrics(unlabelled.features.map { _ in [Float](repeating: 0, count: 128 * 9) }))
    }

    func testWordsWithoutPiecesArePredictedOutside() throws {
        let path = try Fixtures.write("Hello O\n\u{200B} B-PER\nParis B-LOC\n", name: "zero-width.txt")
        let data = try NERData.load(path: path, tokenizer: Fixtures.tokenizer(), options: TaskOptions(maxSequenceLength: 16))
        XCTAssertEqual(data.wordsWithoutPieces, 1)
        XCTAssertEqual(data.wordPositions[0].map { $0?.position }, [1, nil, 5])   // he ##l ##l ##o, (nothing), paris
        let outputs = [[Float](repeating: 0, count: 16 * data.labels.count)]
        XCTAssertEqual(try data.predictedTags(outputs)[0][1], "O")
    }

    func testBadCoNLLFiles() throws {
        let tokenizer = try Fixtures.tokenizer()
        let oneColumn = try Fixtures.path("ner/one-column.txt")
        XCTAssertThrowsError(try NERData.load(path: oneColumn, tokenizer: tokenizer)) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: oneColumn, line: 3, reason: "expected a word and its tag, found one column"))
        }
        let badTag = try Fixtures.path("ner/bad-tag.txt")
        XCTAssertThrowsError(try NERData.load(path: badTag, tokenizer: tokenizer)) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: badTag, line: 2, reason: "the tag 'X-ORG' is not O, B-<type> or I-<type>"))
        }
        let skipped = try NERData.load(path: badTag, tokenizer: tokenizer, options: TaskOptions(badRows: .skip))
        XCTAssertEqual(skipped.sentences.map(\.words), [["Peter"]])
        XCTAssertEqual(skipped.warnings.map(\.location), [.line(2)])
        XCTAssertEqual(skipped.labels, ["B-PER", "I-PER", "O"])
        let docstartOnly = try Fixtures.path("ner/docstart-only.txt")
        XCTAssertThrowsError(try NERData.load(path: docstartOnly, tokenizer: tokenizer)) {
            XCTAssertEqual($0 as? TaskDataError, .emptyFile(path: docstartOnly))
        }
    }

    /// A sentence three times longer than one input, read as windows (`--doc-stride`): every word is labelled in
    /// exactly one window and predicted from the window that gives it the most context on both sides.
    func testALongSentenceIsTaggedWordByWordFromItsMaxContextWindow() throws {
        let words = ["the", "movie", "was", "good", "great", "."]   // one piece each
        let sentence = (0..<24).map { words[($0 * 5) % words.count] }
        let tags = (0..<24).map { $0 % 4 == 0 ? "B-PER" : "O" }
        let text = zip(sentence, tags).map { "\($0) \($1)" }.joined(separator: "\n") + "\n"
        let path = try Fixtures.write(text, name: "long.txt")
        let labels = ["B-PER", "I-PER", "O"]
        let data = try NERData.load(path: path, labels: labels, tokenizer: Fixtures.tokenizer(),
                                    options: TaskOptions(maxSequenceLength: 10, docStride: 4))
        // 24 pieces, 8 per window, starts 4 apart: 0, 4, 8, 12, 16.
        let starts = [0, 4, 8, 12, 16]
        XCTAssertEqual(data.features.count, 5)
        XCTAssertEqual(data.truncation, Truncation(inputs: 1, truncatedInputs: 0, pieces: 24, lostPieces: 0))
        XCTAssertEqual(data.truncatedWords, 0)
        // Google's max-context rule, written out: the window where min(left, right) context (+ 0.01 × length) is largest.
        func owner(_ word: Int) -> Int {
            let scores = starts.map { start -> Double in
                guard word >= start, word < start + 8 else { return -1 }
                return Double(min(word - start, start + 7 - word)) + 0.08
            }
            return scores.firstIndex(of: scores.max() ?? 0) ?? 0
        }
        // Each word's label sits in its owner window only, at 1 + its offset there.
        for word in 0..<24 {
            for (window, start) in starts.enumerated() where word >= start && word < start + 8 {
                let label = data.features[window].tokenLabels?[1 + word - start]
                XCTAssertEqual(label, window == owner(word) ? Int32(labels.firstIndex(of: tags[word]) ?? -1) : -1, "word \(word), window \(window)")
            }
        }
        XCTAssertEqual(data.features.map { $0.tokenLabels?.filter { $0 >= 0 }.count ?? 0 }.reduce(0, +), 24, "every word scored once")
        // Window k predicts label k % 3 everywhere: each word gets its owner window's prediction.
        let outputs = (0..<5).map { window in (0..<(10 * 3)).map { Float($0 % 3 == window % 3 ? 1 : 0) } }
        XCTAssertEqual(try data.predictedTags(outputs)[0], (0..<24).map { labels[owner($0) % 3] })
        // Without a stride the same sentence keeps its first 8 words.
        let truncated = try NERData.load(path: path, labels: labels, tokenizer: Fixtures.tokenizer(), options: TaskOptions(maxSequenceLength: 10))
        XCTAssertEqual(truncated.truncatedWords, 16)
    }
}
