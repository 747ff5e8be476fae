import BERT
import Compute
import Foundation
import XCTest
@testable import Training

/// Every way a write can fail (a full disk, a read-only file system, a refused permission, an exceeded quota, a
/// failing disk) injected into every system call of every file a run writes — checkpoints, the model, the metrics,
/// the plot and the evaluation results — through `WriteFaults`. Each failure must stop the run with one line naming
/// what was written, the file and the reason; leave no temporary and nothing under the failed write's final name;
/// and leave the previous checkpoint intact and resumable to the same final weights.
final class WriteFaultTests: XCTestCase {
    static let codes: [Int32] = [ENOSPC, EROFS, EACCES, EDQUOT, EIO]

    override func tearDown() {
        WriteFaults.clear()
        super.tearDown()
    }

    /// 6 steps (2 epochs of 3), a checkpoint every 2 steps, the newest 2 kept.
    private func trainer(output: String) throws -> Trainer {
        try TrainerFixture.trainer(CPUDevice(), micro: 8, output: output) {
            $0.epochs = 2
            $0.checkpointEvery = 2
            $0.keepCheckpoints = 2
        }
    }

    private func train(output: String, resume: String? = nil) throws -> Trainer {
        let trainer = try trainer(output: output)
        let features = TrainerFixture.features()
        try trainer.train(features, evaluation: Evaluation(features: Array(features.prefix(4)), primaryMetric: "accuracy") { _ in
            ["accuracy": 0.5]
        }, resume: resume)
        return trainer
    }

    private func weights(_ trainer: Trainer) throws -> [Float] {
        try trainer.parameters.specs.flatMap { try trainer.parameters.read($0.name) }
    }

    private var reference: [Float]?

    /// The final weights of the same run without faults.
    private func uninterrupted() throws -> [Float] {
        if let reference { return reference }
        let values = try weights(try train(output: TrainerFixture.outputFolder(for: self, prefix: "swiftbert-faults-reference")))
        reference = values
        return values
    }

    /// Every temporary (`.NAME.tmp-PID-RANDOM`, `….old`) anywhere under `folder`.
    private func temporaries(in folder: String) -> [String] {
        let names = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return names.filter { TemporaryName.matches(($0 as NSString).lastPathComponent) }
    }

    /// Injects `code` into `call` where `matches` holds, runs training into a fresh folder and checks the failure;
    /// returns the error and the output folder.
    private func failingRun(_ code: Int32, _ call: WriteCall, skip: Int = 0, case name: String,
                            where matches: @escaping @Sendable (String) -> Bool) throws -> (Error, String)? {
        let output = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-faults")
        WriteFaults.clear()
        WriteFaults.inject(code, into: call, skip: skip, where: matches)
        var failure: Error?
        do { _ = try train(output: output) } catch { failure = error }
        XCTAssertEqual(WriteFaults.pending, 0, "\(name): the fault fired")
        WriteFaults.clear()
        guard let failure else {
            XCTFail("\(name) with \(String(cString: strerror(code))): the run succeeded")
            return nil
        }
        let text = "\(failure)"
        XCTAssertTrue(text.contains(String(cString: strerror(code))), "\(name): the reason is named: \(text)")
        XCTAssertFalse(text.contains("tmp-"), "\(name): the final name is given, not the temporary's: \(text)")
        XCTAssertFalse(text.contains("Error Domain") || text.contains("\n"), "\(name): one plain line: \(text)")
        XCTAssertEqual(temporaries(in: output), [], "\(name): no temporary is left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/model"), "\(name): no finished model")
        return (failure, output)
    }

    /// The checkpoint `previous` loads and a run resumed from it ends with the uninterrupted run's weights.
    private func assertResumable(_ previous: String, output: String, _ name: String) throws {
        XCTAssertNoThrow(try Checkpoint.open(previous), name)
        let resumed = try train(output: output, resume: previous)
        XCTAssertEqual(try weights(resumed), try uninterrupted(), "\(name): resumed from \(previous) to the same weights")
        XCTAssertEqual(temporaries(in: output), [], "\(name): no temporary after the resumed run")
    }

    func testEveryFailureOfACheckpointWriteKeepsThePreviousCheckpoint() throws {
        let inStaging = { @Sendable (path: String, file: String) in path.contains(".step-000004.tmp-") && path.contains("/." + file + ".tmp-") }
        let calls: [(String, WriteCall, @Sendable (String) -> Bool)] = [
            ("staging folder", .makeFolder, { ($0 as NSString).lastPathComponent.hasPrefix(".step-000004.tmp-") }),
            ("model.safetensors create", .create, { inStaging($0, "model.safetensors") }),
            ("optimizer.safetensors write", .write, { inStaging($0, "optimizer.safetensors") }),
            ("trainer_state.json sync", .sync, { inStaging($0, "trainer_state.json") }),
            ("config.json rename", .rename, { $0.contains(".step-000004.tmp-") && $0.hasSuffix("/config.json") }),
            ("folder rename", .rename, { $0.hasSuffix("/checkpoints/step-000004") }),
        ]
        for code in Self.codes {
            for (name, call, matches) in calls {
                guard let (error, output) = try failingRun(code, call, case: "checkpoint \(name)", where: matches) else { continue }
                let previous = output + "/checkpoints/step-000002"
                guard case let .write(what, reason, lastCheckpoint)? = error as? TrainingError else {
                    XCTFail("checkpoint \(name): \(error)")
                    continue
                }
                XCTAssertEqual(what, "the checkpoint of step 4")
                XCTAssertTrue(reason.contains(output + "/checkpoints/step-000004"), "checkpoint \(name): \(reason)")
                XCTAssertEqual(lastCheckpoint, previous)
                XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/checkpoints/step-000004"), "checkpoint \(name)")
                try assertResumable(previous, output: output, "checkpoint \(name)")
            }
        }
    }

    func testEveryFailureOfTheModelWriteKeepsTheLastCheckpoint() throws {
        let inStaging = { @Sendable (path: String, file: String) in path.contains("/.model.tmp-") && path.contains("/." + file + ".tmp-") }
        let calls: [(String, WriteCall, @Sendable (String) -> Bool)] = [
            ("model.safetensors write", .write, { inStaging($0, "model.safetensors") }),
            ("vocab.txt create", .create, { inStaging($0, "vocab.txt") }),
            ("trainer_state.json sync", .sync, { inStaging($0, "trainer_state.json") }),
            ("folder rename", .rename, { $0.hasSuffix("/model") }),
        ]
        for code in Self.codes {
            for (name, call, matches) in calls {
                guard let (error, output) = try failingRun(code, call, case: "model \(name)", where: matches) else { continue }
                let last = output + "/checkpoints/step-000006"
                XCTAssertEqual((error as? TrainingError).map { "\($0)" }?.hasPrefix("cannot write the model: \(output)/model"), true,
                               "model \(name): \(error)")
                XCTAssertTrue("\(error)".hasSuffix("(the last good checkpoint, \(last), is intact)"), "\(error)")
                XCTAssertNoThrow(try Checkpoint.open(last), "model \(name)")
            }
        }
    }

    func testEveryFailureOfTheLogsNamesTheFile() throws {
        let calls: [(String, String, WriteCall, Int, @Sendable (String) -> Bool)] = [
            // The fifth step's line, after the checkpoint of step 4.
            ("metrics.jsonl append", "metrics.jsonl", .write, 4, { $0.hasSuffix("/metrics.jsonl") }),
            ("metrics.jsonl open", "metrics.jsonl", .create, 4, { $0.hasSuffix("/metrics.jsonl") }),
            ("training.svg create", "training.svg", .create, 0, { $0.contains("/.training.svg.tmp-") }),
            ("eval_results.json rename", "eval_results.json", .rename, 0, { $0.hasSuffix("/eval_results.json") }),
        ]
        for code in Self.codes {
            for (name, file, call, skip, matches) in calls {
                guard let (error, output) = try failingRun(code, call, skip: skip, case: name, where: matches) else { continue }
                XCTAssertTrue("\(error)".hasPrefix("cannot ") && "\(error)".contains(output + "/" + file), "\(name): \(error)")
                XCTAssertEqual(FileManager.default.fileExists(atPath: output + "/eval_results.json"), false, name)
                if skip > 0 { try assertResumable(output + "/checkpoints/step-000004", output: output, name) }
            }
        }
    }
}
