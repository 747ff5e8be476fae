import Tokenizer
import Training
import XCTest
@testable import Tasks

final class GLUETests: XCTestCase {
    private func load(_ task: GLUETask, _ split: GLUESplit, _ folder: String, maxSequenceLength: Int = 32,
                      badRows: BadRowPolicy = .fail) throws -> TextClassificationDataset {
        try GLUEData.load(task, split: split, directory: Fixtures.path("glue/\(folder)"), tokenizer: Fixtures.tokenizer(),
                          options: TaskOptions(maxSequenceLength: maxSequenceLength, badRows: badRows))
    }

    func testCoLAHasNoHeaderInTrainAndAHeaderInTest() throws {
        let train = try load(.cola, .train, "CoLA")
        XCTAssertEqual(train.examples.map(\.text), ["The sailors rode the breeze clear of the rocks.",
                                                     "The more books I ask to whom he will give, the more he reads.",
                                                     "John said \"it was good\"."])
        XCTAssertEqual(train.examples.map(\.label), ["1", "0", "1"])
        XCTAssertEqual(train.examples.map(\.id), ["train-1", "train-2", "train-3"])
        XCTAssertNil(train.examples[0].textPair)
        XCTAssertEqual(train.features.map(\.label), [1, 0, 1])
        let test = try load(.cola, .test, "CoLA")
        XCTAssertEqual(test.examples.map(\.text), ["Bill whistled past the house.", "The car honked its way down the road."])
        XCTAssertEqual(test.examples.map(\.id), ["0", "1"])
        XCTAssertEqual(test.examples.map(\.label), [nil, nil])
        XCTAssertEqual(test.features.map(\.label), [-1, -1])
    }

    func testQuotesAreOrdinaryCharactersInGLUEFiles() throws {
        let sst = try load(.sst2, .dev, "SST-2")
        XCTAssertEqual(sst.examples.map(\.text), ["it 's a charming and often affecting journey . ", "unflinchingly bleak and desperate ",
                                                  "the movie was \"not good", "\"quoted\" start"])
        XCTAssertEqual(sst.examples.map(\.label), ["1", "0", "0", "1"])
        let mrpc = try load(.mrpc, .dev, "MRPC")
        XCTAssertEqual(mrpc.examples[0].text, "Amrozi accused his brother, whom he called \"the witness\", of lying.")
        XCTAssertEqual(mrpc.examples[0].textPair, "Referring to him as only \"the witness\", Amrozi accused his brother.")
        XCTAssertEqual(mrpc.examples.map(\.label), ["1", "0", "1"])
        XCTAssertEqual(try load(.mrpc, .test, "MRPC").examples.map(\.id), ["0"])
    }

    func testPairTasksReadTheirColumns() throws {
        let sts = try load(.stsb, .dev, "STS-B")
        XCTAssertEqual(sts.head, .regression)
        XCTAssertEqual(sts.examples[1].text, "A young child is riding a horse.")
        XCTAssertEqual(sts.examples[1].textPair, "A child is riding a horse.")
        XCTAssertEqual(sts.features.map(\.target), [5, 4.75, 0.2])
        let qnli = try load(.qnli, .dev, "QNLI")
        XCTAssertEqual(qnli.examples[1].text, "What is the first major city in the stream of the Rhine?")
        XCTAssertEqual(qnli.features.map(\.label), [0, 1])
        XCTAssertEqual(try load(.rte, .dev, "RTE").features.map(\.label), [1, 0])
        XCTAssertEqual(try load(.wnli, .train, "WNLI").features.map(\.label), [1, 1, 0])
        let mnli = try load(.mnli, .dev, "MNLI")
        XCTAssertEqual(mnli.examples.map(\.subset), ["matched", "matched", "mismatched", "mismatched", "mismatched"])
        XCTAssertEqual(mnli.examples.map(\.label), ["neutral", "contradiction", "contradiction", "contradiction", "entailment"])
        XCTAssertEqual(mnli.examples[0].text, "The new rights are nice enough")
        XCTAssertEqual(mnli.examples[0].textPair, "Everyone really likes the newest benefits")
        XCTAssertEqual(mnli.features.map(\.label), [2, 0, 0, 0, 1])
        XCTAssertEqual(mnli.examples.map(\.id), ["0", "1", "0", "1", "2"])
    }

    func testAPairBecomesExactIDs() throws {
        let mrpc = try load(.mrpc, .dev, "MRPC", maxSequenceLength: 16)
        let feature = mrpc.features[2]   // "The movie was good." / "The movie was great."
        XCTAssertEqual(feature.ids, [2, 5, 42, 11, 43, 19, 3, 5, 42, 11, 45, 19, 3, 0, 0, 0])
        XCTAssertEqual(feature.types, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        XCTAssertEqual(feature.mask, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        XCTAssertEqual(feature.label, 1)
    }

    func testLongPairsAreTruncatedLikeGoogle() throws {
        let mrpc = try load(.mrpc, .dev, "MRPC", maxSequenceLength: 8)
        XCTAssertEqual(mrpc.features[2].ids, [2, 5, 42, 11, 3, 5, 42, 3])
        XCTAssertEqual(mrpc.features[2].types, [0, 0, 0, 0, 0, 1, 1, 1])
        XCTAssertEqual(mrpc.truncation?.truncatedInputs, 3)
    }

    func testTruncationCountsInputsAndLostPieces() throws {
        let examples = [TextExample(id: "fits", text: "the movie was good", label: "1", line: 2, path: "t.tsv"),          // 4 pieces
                        TextExample(id: "one", text: "the movie was good.", label: "1", line: 3, path: "t.tsv"),         // 5: 1 cut
                        TextExample(id: "pair", text: "the movie was good.", textPair: "the movie was great.", label: "0",
                                    line: 4, path: "t.tsv")]                                                            // 10: 7 cut
        let data = try TextClassificationDataset(examples: examples, head: .classification(labels: ["0", "1"]), metricSet: .accuracy,
                                                 tokenizer: try Fixtures.tokenizer(), maxSequenceLength: 6)
        XCTAssertEqual(data.truncation, Truncation(inputs: 3, truncatedInputs: 2, pieces: 19, lostPieces: 8))
        XCTAssertEqual(data.evaluation().truncation, data.truncation)
        XCTAssertEqual(data.truncation?.summary("dev data", maxSequenceLength: 6),
                       "dev data: 2 of 3 inputs (66.7 %) are longer than --max-seq-length 6 and were cut, losing 8 of 19 word pieces (42.1 %)")
    }

    func testMalformedRowsFailOrAreSkippedWithAWarning() throws {
        let path = try Fixtures.path("glue/QQP/train.tsv")
        XCTAssertThrowsError(try load(.qqp, .train, "QQP")) { error in
            XCTAssertEqual(error as? TaskDataError,
                           .malformedRow(path: path, line: 4, reason: "expected 6 tab-separated columns, found 4"))
            XCTAssertEqual("\(error)", "\(path):4: expected 6 tab-separated columns, found 4")
        }
        let skipped = try load(.qqp, .train, "QQP", badRows: .skip)
        XCTAssertEqual(skipped.examples.map(\.id), ["133273", "402555", "18"])
        XCTAssertEqual(skipped.warnings.count, 1)
        XCTAssertEqual(skipped.warnings.first?.location, .line(4))
    }

    func testBadFilesGiveErrorsNamingFileAndLine() throws {
        let tokenizer = try Fixtures.tokenizer()
        func read(_ task: GLUETask, _ name: String) throws -> TextClassificationDataset {
            try GLUEData.load(task, split: .dev, files: [(try Fixtures.path("glue/bad/\(name)"), nil)], tokenizer: tokenizer)
        }
        let bad = try Fixtures.path("glue/bad")
        XCTAssertThrowsError(try read(.sst2, "unknown-label.tsv")) {
            XCTAssertEqual($0 as? TaskDataError, .unknownLabel(path: bad + "/unknown-label.tsv", line: 3, label: "positive", known: ["0", "1"]))
        }
        XCTAssertThrowsError(try read(.sst2, "empty-text.tsv")) {
            XCTAssertEqual($0 as? TaskDataError, .emptyText(path: bad + "/empty-text.tsv", line: 3, field: "text in column 1"))
        }
        XCTAssertThrowsError(try read(.sst2, "header-only.tsv")) {
            XCTAssertEqual($0 as? TaskDataError, .emptyFile(path: bad + "/header-only.tsv"))
        }
        XCTAssertThrowsError(try read(.sst2, "empty.tsv")) { XCTAssertEqual($0 as? TaskDataError, .emptyFile(path: bad + "/empty.tsv")) }
        XCTAssertThrowsError(try read(.stsb, "bad-score.tsv")) {
            XCTAssertEqual($0 as? TaskDataError, .malformedRow(path: bad + "/bad-score.tsv", line: 2, reason: "the score 'five' is not a number"))
        }
        XCTAssertThrowsError(try read(.sst2, "missing.tsv")) {
            guard case .unreadableFile(let path, _)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, bad + "/missing.tsv")
        }
    }

    func testOfficialMetricsFromOutputs() throws {
        let mnli = try load(.mnli, .dev, "MNLI")
        // Gold: neutral, contradiction | contradiction, contradiction, entailment. Predicted (arg-max):
        // neutral, entailment | contradiction, neutral, entailment.
        let outputs: [[Float]] = [[0, 0, 1], [0, 2, 1], [3, 1, 2], [0, -1, 0.5], [0.1, 0.2, 0.15]]
        let metrics = try mnli.metrics(outputs)
        XCTAssertEqual(metrics["matched_accuracy"], 0.5)
        XCTAssertEqual(metrics["mismatched_accuracy"] ?? 0, 2.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(metrics["accuracy"], 0.6)
        XCTAssertEqual(mnli.primaryMetric, "matched_accuracy")
        XCTAssertEqual(mnli.evaluation().primaryMetric, "matched_accuracy")
        XCTAssertEqual(try mnli.evaluation().metrics(outputs), metrics)

        let mrpc = try load(.mrpc, .dev, "MRPC")   // gold 1, 0, 1; predicted 1, 1, 0
        let scores = try mrpc.metrics([[0, 1], [-1, 1], [1, 0]])
        XCTAssertEqual(scores["accuracy"] ?? 0, 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(scores["f1"], 0.5)   // TP 1, FP 1, FN 1
        XCTAssertEqual(mrpc.primaryMetric, "f1")

        let cola = try load(.cola, .train, "CoLA")   // gold 1, 0, 1; predicted 1, 0, 0
        let colaScores = try cola.metrics([[0, 1], [1, 0], [2, 1]])
        XCTAssertEqual(colaScores["matthews_correlation"] ?? 0, 0.5, accuracy: 1e-15)   // (2·3 − 5) / √(4 · 4)

        let sts = try load(.stsb, .dev, "STS-B")
        let stsScores = try sts.metrics([[4], [4.5], [1]])
        XCTAssertEqual(stsScores["spearman"] ?? 0, 0.5, accuracy: 1e-12)   // ranks (2, 3, 1) vs (3, 2, 1)
        XCTAssertEqual(stsScores["pearson"] ?? 0, ClassificationMetrics.pearson([4, 4.5, 1], [5, 4.75, 0.2]), accuracy: 1e-12)
    }

    func testPredictionsAndOutputChecks() throws {
        let mrpc = try load(.mrpc, .test, "MRPC")
        let predictions = try mrpc.predictions([[0, Float(log(3.0))]])
        XCTAssertEqual(predictions.first?.id, "0")
        XCTAssertEqual(predictions.first?.label, "1")
        XCTAssertEqual(predictions.first?.probabilities?[1] ?? 0, 0.75, accuracy: 1e-7)
        XCTAssertThrowsError(try mrpc.metrics([[0, 1]])) {
            XCTAssertEqual($0 as? TaskDataError, .invalidSetting(name: "evaluation data", expected: "labelled examples (these have no labels)"))
        }
        XCTAssertThrowsError(try mrpc.predictions([[0, 1, 2]])) {
            XCTAssertEqual($0 as? TaskDataError, .outputMismatch(expected: "rows of 2 values", got: "3 values in row 0"))
        }
        XCTAssertThrowsError(try mrpc.predictions([])) {
            XCTAssertEqual($0 as? TaskDataError, .outputMismatch(expected: "1 rows (one per feature)", got: "0 rows"))
        }
        let sts = try load(.stsb, .dev, "STS-B")
        XCTAssertEqual(try sts.predictions([[1.5], [2], [3]]).map(\.score), [1.5, 2, 3])
    }

    func testTaskNamesAndHeads() {
        XCTAssertEqual(GLUETask(name: "SST-2"), .sst2)
        XCTAssertEqual(GLUETask(name: "sts_b"), .stsb)
        XCTAssertNil(GLUETask(name: "squad"))
        XCTAssertEqual(GLUETask.mnli.head, .classification(labels: ["contradiction", "entailment", "neutral"]))
        XCTAssertEqual(GLUETask.qnli.labels, ["entailment", "not_entailment"])
        XCTAssertEqual(GLUETask.stsb.head.outputWidth(sequenceLength: 128), 1)
        XCTAssertEqual(TaskHeadKind.tagging(labels: ["O", "B-X"]).outputWidth(sequenceLength: 10), 20)
        XCTAssertEqual(TaskHeadKind.span.outputWidth(sequenceLength: 10), 20)
        XCTAssertEqual(GLUETask.mnli.files(for: .test).map(\.name), ["test_matched.tsv", "test_mismatched.tsv"])
    }
}

/// Long inputs as overlapping windows (`--doc-stride`): each window a whole input carrying the example's label with
/// weight 1/K, and the windows' outputs combined into one prediction per example.
final class TextWindowTests: XCTestCase {
    // "the movie was good ." is 5 pieces: [5, 42, 11, 43, 19]; "the movie was great ." [5, 42, 11, 45, 19].
    private let long = "the movie was good. the movie was great. the movie was good."   // 15 pieces

    private func dataset(_ examples: [TextExample], length: Int = 8, stride: Int? = 3,
                         aggregation: WindowAggregation = .mean) throws -> TextClassificationDataset {
        try TextClassificationDataset(examples: examples, head: .classification(labels: ["0", "1"]), metricSet: .accuracy,
                                      tokenizer: try Fixtures.tokenizer(), maxSequenceLength: length, docStride: stride,
                                      windowAggregation: aggregation)
    }

    func testALongTextBecomesWindowsWhoseWeightsSumToOne() throws {
        let data = try dataset([TextExample(id: "short", text: "the movie", label: "0", line: 1, path: "t.tsv"),
                                TextExample(id: "long", text: long, label: "1", line: 2, path: "t.tsv")])
        // 15 pieces, 6 per window ([CLS] … [SEP] in 8), starts 3 apart: 0, 3, 6, 9 (the last ends at piece 15).
        XCTAssertEqual(data.featureExamples, [0, 1, 1, 1, 1])
        XCTAssertEqual(data.features.map(\.weight), [1, 0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(data.features.map(\.label), [0, 1, 1, 1, 1])
        XCTAssertEqual(data.features[1].ids, [2, 5, 42, 11, 43, 19, 5, 3])
        XCTAssertEqual(data.features[2].ids, [2, 43, 19, 5, 42, 11, 45, 3])
        XCTAssertEqual(data.features[4].ids, [2, 19, 5, 42, 11, 43, 19, 3])
        for example in 0..<2 {
            let weights = zip(data.featureExamples, data.features).filter { $0.0 == example }.map(\.1.weight)
            XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-6, "example \(example)'s windows weigh 1 together")
        }
        XCTAssertEqual(data.truncation, Truncation(inputs: 2, truncatedInputs: 0, pieces: 17, lostPieces: 0))
        // Without a stride the long text is truncated, as Google's scripts do.
        XCTAssertEqual(try dataset([TextExample(id: "long", text: long, label: "1", line: 2, path: "t.tsv")], stride: nil).truncation,
                       Truncation(inputs: 1, truncatedInputs: 1, pieces: 15, lostPieces: 9))
    }

    func testAPairKeepsItsFirstTextInEveryWindow() throws {
        let pair = TextExample(id: "p", text: "the movie", textPair: long, label: "1", line: 4, path: "t.tsv")
        let data = try dataset([pair], length: 10, stride: 4)
        // 10 − 3 − 2 = 5 pieces of the second text per window: starts 0, 4, 8, 12 (12 + 3 = 15).
        XCTAssertEqual(data.features.count, 4)
        XCTAssertEqual(data.features[0].ids, [2, 5, 42, 3, 5, 42, 11, 43, 19, 3])
        XCTAssertEqual(data.features[0].types, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
        XCTAssertEqual(data.features[3].ids, [2, 5, 42, 3, 11, 43, 19, 3, 0, 0])
        let crowded = TextExample(id: "c", text: long, textPair: "the movie", label: "1", line: 5, path: "t.tsv")
        XCTAssertThrowsError(try dataset([crowded], length: 10, stride: 4)) {
            guard case .malformedRow("t.tsv", 5, let reason)? = $0 as? TaskDataError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("the first text has 15 word pieces") && reason.contains("shorten the first text"), reason)
        }
    }

    func testWindowOutputsAreCombinedIntoOnePredictionPerExample() throws {
        let examples = [TextExample(id: "long", text: long, label: "1", line: 2, path: "t.tsv"),
                        TextExample(id: "short", text: "the movie", label: "0", line: 3, path: "t.tsv")]
        let outputs: [[Float]] = [[0, 3], [1, 0], [2, 0], [0, 0.5], [1, 0]]   // 4 windows, then the short example
        let mean = try dataset(examples)
        // Window by window the long text is 1, 0, 0, 1; the mean logits [0.75, 0.875] say 1.
        XCTAssertEqual(try mean.predictions(outputs).map(\.label), ["1", "0"])
        XCTAssertEqual(try mean.metrics(outputs)["accuracy"], 1)
        XCTAssertEqual(try mean.predictions(outputs)[0].probabilities?[1] ?? 0, Scores.softmax([0.75, 0.875])[1], accuracy: 1e-6)
        let max = try dataset(examples, aggregation: .max)
        // The max logits [2, 3] say 1 too; with the first window's 3 lowered to 1 they say 0.
        XCTAssertEqual(try max.predictions(outputs).map(\.label), ["1", "0"])
        var lowered = outputs
        lowered[0] = [0, 1]
        XCTAssertEqual(try max.predictions(lowered).map(\.label), ["0", "0"])
        XCTAssertThrowsError(try mean.metrics(Array(outputs.prefix(2))))
        XCTAssertEqual(WindowAggregation.mean.combine([[1, 2], [3, 6]][...]), [2, 4])
        XCTAssertEqual(WindowAggregation.max.combine([[1, 7], [3, 6]][...]), [3, 7])
    }
}
