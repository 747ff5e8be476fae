import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// The best checkpoint and early stopping on both devices, with a scripted dev metric (its value at the k-th
/// evaluation is `script[k]`): `best/` holds the peak, patience stops at the right evaluation, `--load-best-at-end`
/// makes `model/` the best model byte for byte, and a run stopped mid-way and resumed keeps the same best and stop.
final class BestModelTests: XCTestCase {
    /// Evaluated every step: the peak is at step 3, then three evaluations without improvement.
    private let script: [Double] = [0.5, 0.7, 0.9, 0.8, 0.85, 0.6, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]

    /// The dev metric of the k-th evaluation (counting from `start`); `failAt` aborts the run at that evaluation.
    private final class ScriptedMetric: @unchecked Sendable {
        var next: Int
        let failAt: Int?
        init(start: Int, failAt: Int? = nil) { next = start; self.failAt = failAt }
    }

    private func evaluation(_ counter: ScriptedMetric) -> Evaluation {
        Evaluation(features: Array(TrainerFixture.features().prefix(4)), primaryMetric: "accuracy",
                   metricNames: { ["accuracy", "loss"] }) { [script] _ in
            defer { counter.next += 1 }
            if counter.next == counter.failAt { throw TrainingError.data("stopped by the test at evaluation \(counter.next)") }
            return ["accuracy": script[counter.next], "loss": 1 - script[counter.next]]
        }
    }

    private func trainer(_ device: any Device, output: String, best: BestModelSettings) throws -> Trainer {
        try TrainerFixture.trainer(device, micro: 8, output: output) {
            $0.epochs = 4
            $0.evalEvery = 1
            $0.checkpointEvery = 1
            $0.best = best
        }
    }

    private func step(of folder: String) throws -> Int? { try TrainingState.load(from: folder)?.step }

    private func lines(_ output: String, key: String) throws -> [[String: Any]] {
        try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0[key] != nil }
    }

    func testThePeakIsKeptAndPatienceStopsTheRun() throws {
        for device in try TestDevices.both() {
            let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
            let summary = try trainer(device, output: output, best: BestModelSettings(patience: 3))
                .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))
            XCTAssertEqual(summary.steps, 6, "stopped after the 3 evaluations that did not beat step 3 (\(device.info.name))")
            XCTAssertEqual(try step(of: output + "/best"), 3, "best/ holds the peak")
            XCTAssertEqual(try lines(output, key: "best").map { $0["step"] as? Int }, [1, 2, 3])
            let stop = try lines(output, key: "early_stop")
            XCTAssertEqual(stop.count, 1)
            XCTAssertEqual(stop.first?["step"] as? Int, 6)
            XCTAssertTrue(((stop.first?["early_stop"] as? [String: Any])?["reason"] as? String)?
                .contains("the best, accuracy 0.9000 at step 3") ?? false, "\(stop)")
            XCTAssertEqual(try step(of: output + "/model"), 6, "without --load-best-at-end the model is the last step's")
            let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/eval_results.json"))) as? [String: Any]
            XCTAssertEqual(results?["accuracy"] as? Double, 0.6, "the last evaluation")
            XCTAssertEqual((results?["best"] as? [String: Any])?["step"] as? Int, 3)
            XCTAssertEqual(results?["model"] as? String, "last")
            XCTAssertTrue(try String(contentsOfFile: output + "/training.svg", encoding: .utf8).contains("best (step 3)"))
        }
    }

    func testLoadBestAtEndMakesTheModelTheBestCheckpoint() throws {
        for device in try TestDevices.both() {
            let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
            try trainer(device, output: output, best: BestModelSettings(patience: 3, loadBestAtEnd: true))
                .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))
            for file in ["model.safetensors", "optimizer.safetensors", "trainer_state.json", "config.json", "vocab.txt"] {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output + "/model/" + file)),
                               try Data(contentsOf: URL(fileURLWithPath: output + "/best/" + file)), "\(file) (\(device.info.name))")
            }
            XCTAssertEqual(try step(of: output + "/model"), 3)
        }
    }

    func testAThresholdAndALossMetricAreHonoured() throws {
        let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
        // loss = 1 − accuracy (0.5, 0.3, 0.1, 0.2, 0.15, 0.4, 0.05…) is better smaller: steps 2 and 3 improve by more
        // than 0.15; step 7's 0.05 does not beat 0.1 by more than 0.15, so step 7 is the fourth evaluation without one.
        let summary = try trainer(TestDevices.cpu, output: output, best: BestModelSettings(metric: "loss", patience: 4, threshold: 0.15))
            .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))
        XCTAssertEqual(try step(of: output + "/best"), 3)
        XCTAssertEqual(summary.steps, 7)
    }

    func testAResumedRunKeepsTheBestAndStopsAtTheSameStep() throws {
        for device in try TestDevices.both() {
            let reference = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
            try trainer(device, output: reference, best: BestModelSettings(patience: 3, loadBestAtEnd: true))
                .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))

            // Interrupted at the 5th evaluation (step 5), after the checkpoint of step 4, then resumed from it.
            let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
            XCTAssertThrowsError(try trainer(device, output: output, best: BestModelSettings(patience: 3, loadBestAtEnd: true))
                .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0, failAt: 4))))
            let summary = try trainer(device, output: output, best: BestModelSettings(patience: 3, loadBestAtEnd: true))
                .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 4)),
                       resume: output + "/checkpoints/step-000004")
            XCTAssertEqual(summary.steps, 6, "the same stop step (\(device.info.name))")
            XCTAssertEqual(try step(of: output + "/best"), 3, "the same best")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output + "/model/model.safetensors")),
                           try Data(contentsOf: URL(fileURLWithPath: reference + "/model/model.safetensors")),
                           "the same final model as the uninterrupted run")
        }
    }

    func testResumingFromTheStopCheckpointTrainsNoFurther() throws {
        let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
        try trainer(TestDevices.cpu, output: output, best: BestModelSettings(patience: 3))
            .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))
        let results = try Data(contentsOf: URL(fileURLWithPath: output + "/eval_results.json"))
        // As after a kill between the last checkpoint and the model: resumed from the checkpoint of the stop step.
        try FileManager.default.removeItem(atPath: output + "/model")
        let summary = try trainer(TestDevices.cpu, output: output, best: BestModelSettings(patience: 3))
            .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 5)),
                   resume: output + "/checkpoints/step-000006")
        XCTAssertEqual(summary.steps, 6)
        XCTAssertEqual(try step(of: output + "/model"), 6)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output + "/eval_results.json")), results)
    }

    func testSettingsThatCannotWorkAreRefusedBeforeTraining() throws {
        let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-best")
        XCTAssertThrowsError(try trainer(TestDevices.cpu, output: output, best: BestModelSettings(metric: "bleu"))
            .train(TrainerFixture.features(), evaluation: evaluation(ScriptedMetric(start: 0)))) {
            XCTAssertEqual("\($0)", "--metric-for-best must be one of accuracy, loss, got 'bleu'")
        }
        XCTAssertThrowsError(try trainer(TestDevices.cpu, output: output, best: BestModelSettings(patience: 2))
            .train(TrainerFixture.features(), evaluation: nil)) {
            XCTAssertTrue("\($0)".contains("need a dev set"), "\($0)")
        }
        XCTAssertThrowsError(try trainer(TestDevices.cpu, output: output, best: BestModelSettings(patience: 0))) {
            XCTAssertEqual("\($0)", "--early-stopping-patience must be at least 1, got 0")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/checkpoints/step-000001"), "nothing trained")
        XCTAssertTrue(BestModelSettings.greaterIsBetter("f1"))
        XCTAssertFalse(BestModelSettings.greaterIsBetter("masked_lm_loss"))
    }
}
