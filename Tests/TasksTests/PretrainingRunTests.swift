import BERT
import Compute
import Foundation
import Tasks
import TestSupport
import Tokenizer
import Training
import XCTest

/// Pre-training end to end on generated shards: the loss falls and the masked LM learns, accumulation equals
/// the large batch (the masked LM loss is normalized over the effective batch), resume continues bit for bit,
/// and the written model loads with its heads — on the CPU and on OpenCL.
final class PretrainingRunTests: XCTestCase {
    private static let shards: (folder: String, vocabulary: Int) = {
        let folder = try! Fixtures.temporaryDirectory()
        // Learnable text: each sentence counts up from a random word (w17 w18 w19 …), so a masked word follows
        // from its neighbours; low-numbered words are the most frequent (a unigram distribution to learn first).
        var random = PythonRandom(seed: 7)
        var text = ""
        for _ in 0..<60 {
            for _ in 0..<random.randint(3, 8) {
                let start = Int(pow(random.random(), 3) * 280)
                text += (start..<(start + random.randint(4, 12))).map { "w\(min($0, 299))" }.joined(separator: " ") + "\n"
            }
            text += "\n"
        }
        let corpus = try! PretrainingSyntheticCorpus.write(text, in: folder)
        var options = PretrainingOptions()
        options.maxSeqLength = 32
        options.maxPredictionsPerSeq = 5
        options.dupeFactor = 2
        let tokenizer = try! PretrainingSyntheticCorpus.tokenizer()
        _ = try! PretrainingDataGenerator(configuration: PretrainingDataConfiguration(
            inputs: [corpus], outputDirectory: folder + "/shards", options: options, vocabularyName: "synthetic"),
            tokenizer: tokenizer).run()
        return (folder + "/shards", tokenizer.vocabulary.count)
    }()

    private var config: BertConfig {
        BertConfig(vocabSize: Self.shards.vocabulary, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64,
                   activation: .tanh, maxPositionEmbeddings: 32)
    }

    private func makeTrainer(_ device: any Device, micro: Int, output: String, optimizer: OptimizerKind = .google,
                             configure: (inout TrainerConfig) -> Void = { _ in }) throws -> Trainer {
        let parameters = try ParameterStore(config: config, heads: .preTraining, device: device, training: true)
        try parameters.initialize(seed: 3)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: micro, sequence: 32), mode: .training)
        let head = try PretrainingHead(encoder: encoder, maxPredictions: 5)
        var settings = TrainerConfig(outputDirectory: output)
        settings.batchSize = 8
        settings.microBatchSize = micro
        settings.maxSteps = 12
        settings.warmupSteps = 2
        settings.learningRate = 2e-3
        settings.optimizer = optimizer
        settings.logEvery = 1000
        configure(&settings)
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<300).map { "w\($0)" } + ["##q", "##x", "##z"]
        return try Trainer(encoder: encoder, head: head, config: settings,
                           files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: tokens), doLowerCase: true))
    }

    private func records(_ output: String) throws -> [[String: Any]] {
        try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func data() throws -> PretrainingFeatures { PretrainingFeatures(try PretrainingDataset(paths: [Self.shards.folder])) }

    func testLossFallsAndTheModelLoadsWithItsHeads() throws {
        for device in try TestDevices.both() {
            let output = try Fixtures.temporaryDirectory()
            let trainer = try makeTrainer(device, micro: 8, output: output) { $0.maxSteps = 40 }
            let held = try data().features(limit: 16)
            let summary = try trainer.train(try data(), evaluation: Evaluation(features: held, primaryMetric: "mlm_accuracy",
                                                                               metrics: PretrainingMetrics.compute))
            let steps = try records(output).filter { $0["step"] != nil && $0["eval"] == nil }
            XCTAssertEqual(steps.count, 40)
            let first = steps.prefix(5).compactMap { $0["mlm_loss"] as? Double }, last = steps.suffix(5).compactMap { $0["mlm_loss"] as? Double }
            XCTAssertEqual(first.count, 5, "every step logs the masked LM loss")
            XCTAssertLessThan(last.reduce(0, +), first.reduce(0, +) - 1.5, "masked LM loss falls on \(device.info): \(first) → \(last)")
            XCTAssertNotNil(steps.last?["nsp_accuracy"] as? Double)
            XCTAssertEqual(summary.evaluation["examples"], 16)
            XCTAssertLessThan(summary.evaluation["mlm_loss"] ?? .infinity, log(Double(Self.shards.vocabulary)) - 0.3,
                              "held-out masked LM loss below the uniform guess's")
            let checkpoint = try Checkpoint.open(summary.modelFolder)
            XCTAssertEqual(checkpoint.heads, .preTraining, "the model keeps its masked LM and next-sentence heads")
        }
    }

    func testAccumulationEqualsTheLargeBatch() throws {
        let device = CPUDevice()
        for optimizer in [OptimizerKind.google, .lamb] {
            var losses: [[Double]] = []
            for micro in [8, 2] {
                let output = try Fixtures.temporaryDirectory()
                try makeTrainer(device, micro: micro, output: output, optimizer: optimizer) { $0.maxSteps = 3; $0.dropout = false }
                    .train(try data(), evaluation: nil)
                losses.append(try records(output).compactMap { $0["loss"] as? Double })
            }
            XCTAssertEqual(losses[0].count, 3)
            for (a, b) in zip(losses[0], losses[1]) {
                XCTAssertEqual(a, b, accuracy: 1e-4 * abs(a), "micro-batch 2 × 4 = batch 8 with \(optimizer)")
            }
        }
    }

    func testResumeContinuesBitForBit() throws {
        let device = CPUDevice()
        for optimizer in [OptimizerKind.google, .lamb] {
            let full = try Fixtures.temporaryDirectory()
            try makeTrainer(device, micro: 4, output: full, optimizer: optimizer) { $0.checkpointEvery = 5 }.train(try data(), evaluation: nil)
            let resumedOutput = try Fixtures.temporaryDirectory()
            try FileManager.default.copyItem(atPath: full + "/metrics.jsonl", toPath: resumedOutput + "/metrics.jsonl")
            try makeTrainer(device, micro: 4, output: resumedOutput, optimizer: optimizer)
                .train(try data(), evaluation: nil, resume: full + "/checkpoints/step-000010")
            let expected = try records(full).map { $0["loss"] as? Double }
            XCTAssertEqual(try records(resumedOutput).map { $0["loss"] as? Double }, expected,
                           "the continued loss curve is identical with \(optimizer)")
        }
    }
}
