import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// Per-batch sequence lengths and length-grouped batches: a batch run at its own length gives the loss and
/// gradients of the same batch padded to the maximum (every head, both devices); the grouped order is a
/// deterministic, length-sorted shuffle that resumes bit for bit and splits over ranks as one process; predictions
/// come back in input order.
final class DynamicLengthTests: XCTestCase {
    /// A 2-layer model of width 16 over 50 ids with every head's tensors; runs up to 16 tokens.
    private let config = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                    intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 16)
    private let capacity = 16

    private func outputFolder() -> String { TrainerFixture.outputFolder(for: self, prefix: "swiftbert-lengths") }

    /// 24 examples of 3 to 13 real tokens padded to 16, with targets for `head` inside each one's length.
    private func features(for head: PlannedHead) -> [Feature] {
        var random = SplitMix64(seed: 9)
        return (0..<24).map { i in
            let length = 3 + (i * 7) % 11
            let mask = (0..<capacity).map { Int32($0 < length ? 1 : 0) }
            let ids = (0..<capacity).map { $0 < length ? Int32(8 + random.next() % 40) : 0 }
            var feature = Feature(ids: ids, types: (0..<capacity).map { Int32($0 < length / 2 ? 0 : ($0 < length ? 1 : 0)) }, mask: mask)
            feature.label = Int32(i % 2)
            feature.target = Float(i % 5) / 4
            feature.tokenLabels = (0..<capacity).map { $0 > 0 && $0 < length - 1 ? Int32(random.next() % 3) : -1 }
            feature.start = Int32(1 + i % (length - 1))
            feature.end = min(feature.start + 1, Int32(length - 1))
            let masked = [1, length - 1]
            feature.maskedPositions = masked.map(Int32.init)
            feature.maskedLabels = masked.map { _ in Int32(random.next() % 50) }
            feature.maskedWeights = [1, 1]
            return feature
        }
    }

    private let heads: [PlannedHead] = [.sequence(outputs: 2), .sequence(outputs: 1), .tokens(labels: 3), .span,
                                        .pretraining(predictions: 2)]

    private func makeTrainer(_ device: any Device, head: PlannedHead, micro: Int = 4, batch: Int = 8, output: String,
                             configure: (inout TrainerConfig) -> Void = { _ in }) throws -> Trainer {
        let parameters = try ParameterStore(config: config, heads: head.modelHeads, device: device, training: true)
        try parameters.initialize(seed: 11)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: micro, sequence: capacity), mode: .training)
        var settings = TrainerConfig(outputDirectory: output)
        settings.batchSize = batch
        settings.microBatchSize = micro
        settings.epochs = 1
        settings.learningRate = 1e-3
        settings.logEvery = 1000
        settings.batchLength = BatchLength(multiple: 1)
        configure(&settings)
        return try Trainer(encoder: encoder, head: try head.spec.makeHead(encoder: encoder), config: settings,
                           files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: (0..<50).map { "t\($0)" }),
                                             doLowerCase: true))
    }

    private func gradients(_ trainer: Trainer) throws -> [Float] {
        try trainer.parameters.specs.flatMap { try trainer.device.readFloats(try trainer.parameters.gradient($0.name)) }
    }

    private func values(_ trainer: Trainer) throws -> [Float] {
        try trainer.parameters.specs.flatMap { try trainer.parameters.read($0.name) }
    }

    func testBatchLengthIsTheLongestRoundedUpAndCapped() {
        let rows = features(for: .span)
        XCTAssertEqual(rows.map(\.length).prefix(4), [3, 10, 6, 13])
        XCTAssertEqual(BatchLength(multiple: 8).length(of: Array(rows.prefix(3)), capacity: 16), 16)
        XCTAssertEqual(BatchLength(multiple: 8).length(of: [rows[0], rows[2]], capacity: 16), 8)
        XCTAssertEqual(BatchLength(multiple: 8).length(of: [rows[0]], capacity: 6), 6, "capped at the capacity")
        XCTAssertEqual(BatchLength(multiple: 1).length(of: [rows[0], rows[2]], capacity: 16), 6)
        XCTAssertEqual(BatchLength(multiple: 8, dynamic: false).length(of: [rows[0]], capacity: 16), 16)
        XCTAssertEqual(BatchLength(multiple: 8).length(of: [.padding(length: 16)], capacity: 16), 8, "an empty batch still runs")
    }

    func testAShortBatchGivesTheLossAndGradientsOfThePaddedBatch() throws {
        for device in try TestDevices.both() {
            // Not the span head: its loss is a softmax over every position of the batch, padding included (as in
            // Google's run_squad and HF's), so it depends on the length by definition; its logits do not
            // (testPredictionsComeBackInInputOrder).
            for head in heads where head != .span {
                // Rows 0, 2, 4, 6 (lengths 3, 6, 9, 12) then 1, 3, 5, 7: micro-batches of 12 and 13 tokens, not 16.
                let batch = features(for: head).prefix(8).enumerated().sorted { ($0.offset % 2, $0.offset) < ($1.offset % 2, $1.offset) }
                    .map(\.element)
                var results: [(loss: Double, gradients: [Float], computed: Int)] = []
                for dynamic in [false, true] {
                    let trainer = try makeTrainer(device, head: head, output: outputFolder()) {
                        $0.dropout = false
                        $0.batchLength.dynamic = dynamic
                    }
                    let schedule = LearningRateSchedule(baseRate: 1e-3, totalSteps: 1, warmupProportion: 0)
                    let step = try trainer.optimizerStep(batch, step: 0, schedule: schedule, checkpoint: nil)
                    results.append((step.loss, try gradients(trainer), step.throughput.computedTokens))
                }
                XCTAssertEqual(results[0].computed, 8 * 16, "\(head) on \(device.info): padded")
                XCTAssertEqual(results[1].computed, 4 * 12 + 4 * 13, "\(head) on \(device.info): at the batches' own lengths")
                XCTAssertEqual(results[1].loss, results[0].loss, accuracy: 1e-5 * max(1, abs(results[0].loss)),
                               "\(head) on \(device.info): loss")
                let comparison = Comparison(results[1].gradients, results[0].gradients, atol: 1e-6, rtol: 1e-4)
                XCTAssertTrue(comparison.passed, "\(head) on \(device.info): gradients \(comparison)")
            }
        }
    }

    func testGroupedOrderIsADeterministicLengthSortedShufflePerEpoch() throws {
        let lengths = (0..<1000).map { ($0 * 37) % 61 + 1 }
        var a = TrainingOrder(count: 1000, seed: 3, groupedBatchSize: 4)
        var b = TrainingOrder(count: 1000, seed: 3, groupedBatchSize: 4)
        var other = TrainingOrder(count: 1000, seed: 4, groupedBatchSize: 4)
        var plain = TrainingOrder(count: 1000, seed: 3, groupedBatchSize: nil)
        XCTAssertEqual(TrainingOrder.megabatchSize(batchSize: 4, count: 1000), 200, "50 batches")
        XCTAssertEqual(TrainingOrder.megabatchSize(batchSize: 32, count: 1000), 7 * 32, "fewer on small sets, as HF")
        for epoch in 0..<2 {
            let order = (0..<1000).map { a.feature(at: epoch * 1000 + $0) { lengths[$0] } }
            XCTAssertEqual(order, (0..<1000).map { b.feature(at: epoch * 1000 + $0) { lengths[$0] } }, "deterministic")
            XCTAssertNotEqual(order, (0..<1000).map { other.feature(at: epoch * 1000 + $0) { lengths[$0] } }, "seeded")
            XCTAssertEqual(order.sorted(), Array(0..<1000), "every feature once per epoch")
            let shuffled = (0..<1000).map { plain.feature(at: epoch * 1000 + $0) { lengths[$0] } }
            for start in stride(from: 0, to: 1000, by: 200) {
                let megabatch = Array(order[start..<start + 200])
                XCTAssertEqual(megabatch.map { lengths[$0] }, megabatch.map { lengths[$0] }.sorted(by: >), "sorted, longest first")
                XCTAssertEqual(Set(megabatch), Set(shuffled[start..<start + 200]), "the shuffle's megabatch")
            }
        }
    }

    func testGroupedBatchesComputeFewerTokensAndResumeBitForBit() throws {
        let device = CPUDevice(), head = PlannedHead.sequence(outputs: 2), data = features(for: head)
        func configure(_ settings: inout TrainerConfig) {
            settings.groupByLength = true
            settings.epochs = 3
            settings.checkpointEvery = 4
            settings.keepCheckpoints = 5
        }
        let full = outputFolder()
        let uninterrupted = try makeTrainer(device, head: head, output: full, configure: configure)
        let summary = try uninterrupted.train(data, evaluation: nil)
        XCTAssertEqual(summary.steps, 9)
        XCTAssertLessThan(summary.throughput.computedTokens, summary.throughput.fullLengthTokens * 3 / 4)
        XCTAssertEqual(summary.throughput.tokens, data.reduce(0) { $0 + $1.tokenCount } * 3)
        let ungrouped = try makeTrainer(device, head: head, output: outputFolder()) { $0.epochs = 3 }
        XCTAssertGreaterThan(try ungrouped.train(data, evaluation: nil).throughput.computedTokens, summary.throughput.computedTokens,
                             "grouping leaves less padding than shuffled batches")

        let resumedOutput = outputFolder()
        try FileManager.default.createDirectory(atPath: resumedOutput, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: full + "/metrics.jsonl", toPath: resumedOutput + "/metrics.jsonl")
        let resumed = try makeTrainer(device, head: head, output: resumedOutput, configure: configure)
        try resumed.train(data, evaluation: nil, resume: full + "/checkpoints/step-000004")
        XCTAssertEqual(try values(resumed), try values(uninterrupted), "identical final weights")
        func logged(_ output: String, _ key: String) throws -> [Double] {
            try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?[key] as? Double
            }
        }
        XCTAssertEqual(try logged(resumedOutput, "loss"), try logged(full, "loss"), "the continued loss curve is identical")
        XCTAssertEqual(try logged(resumedOutput, "computed_tokens"), try logged(full, "computed_tokens"), "the same batches")
        XCTAssertEqual(try logged(full, "padding_saved").count, 9, "every step logs the padding it saved")
    }

    func testPredictionsComeBackInInputOrder() throws {
        for device in try TestDevices.both() {
            for head in [PlannedHead.sequence(outputs: 2), .tokens(labels: 3), .span] {
                let parameters = try ParameterStore(config: config, heads: head.modelHeads, device: device, training: false)
                try parameters.initialize(seed: 11)
                let data = features(for: head)
                let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: 5, sequence: capacity), mode: .inference)
                let batched = try FeaturePredictor(encoder: encoder, head: try head.spec.makeHead(encoder: encoder)).predict(data)
                let single = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: 1, sequence: capacity), mode: .inference)
                let one = try FeaturePredictor(encoder: single, head: try head.spec.makeHead(encoder: single),
                                               batchLength: BatchLength(dynamic: false))
                XCTAssertEqual(batched.count, data.count)
                for (i, feature) in data.enumerated() {
                    let expected = try one.predict([feature])[0]
                    XCTAssertEqual(batched[i].count, expected.count, "\(head) row \(i): laid out for the full length")
                    // Positions past a short batch's length report the padding logit; the real ones match.
                    let real = zip(batched[i], expected).enumerated().filter { $0.element.0 != paddingLogit }
                    XCTAssertGreaterThan(real.count, 0)
                    let comparison = Comparison(real.map(\.element.0), real.map(\.element.1), atol: 1e-5, rtol: 1e-4)
                    XCTAssertTrue(comparison.passed, "\(head) on \(device.info), row \(i) (length \(feature.length)): \(comparison)")
                }
            }
        }
    }
}
