import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// The training loop on a tiny random model: schedule, gradient accumulation = the large batch, bit-for-bit
/// resume, NaN stop, and the files a run writes.
final class TrainerTests: XCTestCase {
    private let config = TrainerFixture.config
    private let sequence = TrainerFixture.sequence

    private func outputFolder() throws -> String { TrainerFixture.outputFolder(for: self, prefix: "swiftbert-trainer") }

    private func features() -> [Feature] { TrainerFixture.features() }

    private func makeTrainer(_ device: any Device, micro: Int, output: String, configure: (inout TrainerConfig) -> Void = { _ in })
        throws -> Trainer {
        try TrainerFixture.trainer(device, micro: micro, output: output, configure: configure)
    }

    private func parameterValues(_ trainer: Trainer) throws -> [Float] {
        try trainer.parameters.specs.flatMap { try trainer.parameters.read($0.name) }
    }

    private func losses(_ output: String) throws -> [Double] {
        try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["loss"] as? Double
        }
    }

    func testScheduleWarmsUpThenDecaysToZero() {
        let schedule = LearningRateSchedule(baseRate: 1e-4, totalSteps: 100, warmupProportion: 0.1)
        XCTAssertEqual(schedule.warmupSteps, 10)
        XCTAssertEqual(schedule.rate(at: 0), 0)
        XCTAssertEqual(schedule.rate(at: 5), 5e-5, accuracy: 1e-10)
        XCTAssertEqual(schedule.rate(at: 10), 9e-5, accuracy: 1e-10)
        XCTAssertEqual(schedule.rate(at: 99), 1e-6, accuracy: 1e-10)
        XCTAssertEqual(LearningRateSchedule(baseRate: 1, totalSteps: 10, warmupProportion: 0).rate(at: 0), 1)
    }

    func testGradientAccumulationEqualsTheLargeBatch() throws {
        for device in try TestDevices.both() {
            var results: [[Float]] = []
            for micro in [8, 2] {
                let trainer = try makeTrainer(device, micro: micro, output: try outputFolder()) { $0.dropout = false }
                try trainer.train(features(), evaluation: nil)
                results.append(try parameterValues(trainer))
            }
            let comparison = Comparison(results[1], results[0], atol: 1e-6, rtol: 1e-5)
            XCTAssertTrue(comparison.passed, "micro-batch 2 × 4 vs batch 8 on \(device.info): \(comparison)")
        }
    }

    func testResumeContinuesBitForBit() throws {
        let device = CPUDevice()
        let full = try outputFolder()
        let uninterrupted = try makeTrainer(device, micro: 4, output: full) { $0.epochs = 2; $0.checkpointEvery = 3 }
        try uninterrupted.train(features(), evaluation: nil)
        let expected = try losses(full)
        XCTAssertEqual(expected.count, 6)

        let resumedOutput = try outputFolder()
        try FileManager.default.createDirectory(atPath: resumedOutput, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: full + "/metrics.jsonl", toPath: resumedOutput + "/metrics.jsonl")
        let resumed = try makeTrainer(device, micro: 4, output: resumedOutput) { $0.epochs = 2; $0.checkpointEvery = 3 }
        try resumed.train(features(), evaluation: nil, resume: full + "/checkpoints/step-000003")
        XCTAssertEqual(try losses(resumedOutput), expected, "the continued loss curve is identical")
        XCTAssertEqual(try parameterValues(resumed), try parameterValues(uninterrupted), "identical final weights")
    }

    func testNonFiniteLossStopsWithTheStepAndKeepsNoBadCheckpoint() throws {
        let output = try outputFolder()
        let trainer = try makeTrainer(CPUDevice(), micro: 8, output: output)
        var values = try trainer.parameters.read("classifier.weight")
        values[0] = .nan
        try trainer.parameters.device.write(values, to: try trainer.parameters.value("classifier.weight"))
        XCTAssertThrowsError(try trainer.train(features(), evaluation: nil)) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinite(step: 1, what: "the loss (nan)", checkpoint: nil))
            XCTAssertTrue("\(error)".contains("training stopped at step 1"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/model"))
    }

    func testRunWritesMetricsPlotEvaluationAndLoadableModel() throws {
        let output = try outputFolder()
        let trainer = try makeTrainer(CPUDevice(), micro: 4, output: output) { $0.epochs = 3; $0.evalEvery = 4 }
        let dev = Array(features().prefix(6))
        let cut = Truncation(inputs: 6, truncatedInputs: 1, pieces: 40, lostPieces: 3)
        let evaluation = Evaluation(features: dev, primaryMetric: "accuracy", truncation: cut) { outputs in
            let correct = zip(outputs, dev).filter { (($0.0[1] > $0.0[0]) ? 1 : 0) == $0.1.label }.count
            return ["accuracy": Double(correct) / Double(dev.count)]
        }
        let summary = try trainer.train(features(), truncation: Truncation(inputs: 16, pieces: 90), evaluation: evaluation)
        XCTAssertEqual(summary.steps, 9)
        XCTAssertNotNil(summary.evaluation["accuracy"])
        let lines = try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 9 + 3, "what truncation cut, 9 steps and evaluations at 4, 8 and 9")
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["step"] as? Int, 0)
        XCTAssertEqual(first["truncation"] as? [String: [String: Int]],
                       ["train": ["inputs": 16, "truncated_inputs": 0, "word_pieces": 90, "lost_word_pieces": 0],
                        "dev": ["inputs": 6, "truncated_inputs": 1, "word_pieces": 40, "lost_word_pieces": 3]])
        XCTAssertTrue(try String(contentsOfFile: output + "/training.svg", encoding: .utf8).contains("<polyline"))
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/eval_results.json"))) as? [String: Any])
        XCTAssertEqual(results["truncation"] as? [String: Int], ["inputs": 6, "truncated_inputs": 1, "word_pieces": 40, "lost_word_pieces": 3])
        XCTAssertNotNil(results["accuracy"] as? Double)
        let checkpoint = try Checkpoint.open(output + "/model")
        XCTAssertEqual(checkpoint.heads, .classifier(labels: 2))
        XCTAssertEqual(try checkpoint.readFloats("classifier.bias"), try trainer.parameters.read("classifier.bias"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: output + "/checkpoints")
        XCTAssertEqual(kept, ["step-000009"])
    }
}

/// Epoch orders: the stored shuffle for small sets, the Feistel bijection (nothing stored) for large ones.
final class EpochOrderTests: XCTestCase {
    func testFeistelOrderIsAPermutationAndDependsOnTheSeed() {
        var random = SplitMix64(seed: 9)
        for count in [1, 2, 3, 1000, 4097] {
            let permutation = FeistelPermutation(count: count, random: &random)
            let order = (0..<count).map { permutation[$0] }
            XCTAssertEqual(Set(order).count, count, "a bijection of 0..<\(count)")
            XCTAssertTrue(order.allSatisfy { (0..<count).contains($0) })
        }
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 2)
        let first = FeistelPermutation(count: 1000, random: &a), second = FeistelPermutation(count: 1000, random: &b)
        XCTAssertNotEqual((0..<1000).map { first[$0] }, (0..<1000).map { second[$0] })
        XCTAssertNotEqual((0..<1000).map { first[$0] }, Array(0..<1000), "shuffled")
    }

    func testLargeSetsUseTheComputedOrder() {
        guard case .feistel = EpochOrder(count: EpochOrder.storedLimit + 1, seed: 3) else { return XCTFail("large sets store no order") }
        guard case .stored = EpochOrder(count: 100, seed: 3) else { return XCTFail("small sets keep the stored shuffle") }
    }
}
