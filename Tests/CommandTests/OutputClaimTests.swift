import Foundation
import TestSupport
import XCTest

/// `bert finetune` claims its --output as a user sees it: a second run into a live run's folder is refused at once
/// (before the model is loaded) naming the first, a new run starts by itself after the first was killed with
/// SIGKILL and clears the temporaries a killed write left, and an unusable --output is one line before any work.
final class OutputClaimTests: XCTestCase {
    private var tinyModel: String { TinyModelFixture.folder }

    /// 64 rows of the tiny model's words with two labels.
    private func trainingFile(in folder: String) throws -> String {
        let words = try TinyModelFixture.words()
        let lines = ["sentence\tlabel"] + (0..<64).map { i in
            TinyModelFixture.sentence(i, of: words, length: 6) + "\t" + (i % 3 == 0 ? "neg" : "pos")
        }
        let path = folder + "/train.tsv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func finetune(train: String, output: String, epochs: String) -> [String] {
        ["finetune", "classify", "--model", tinyModel, "--train", train, "--text-column", "sentence", "--label-column", "label",
         "--output", output, "--batch-size", "8", "--max-seq-length", "16", "--epochs", epochs, "--device", "cpu",
         "--threads", "1"]
    }

    func testASecondRunIsRefusedAtOnceAndANewOneStartsAfterTheFirstIsKilled() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-claim", for: self)
        let train = try trainingFile(in: work), output = work + "/run"

        let first = Process()
        first.executableURL = URL(fileURLWithPath: bert)
        first.arguments = finetune(train: train, output: output, epochs: "10000")
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let lockFile = output + "/.lock"
        let deadline = Date().addingTimeInterval(60)
        while !((try? String(contentsOfFile: lockFile, encoding: .utf8))?.contains("pid \(first.processIdentifier)") ?? false) {
            guard Date() < deadline, first.isRunning else { return XCTFail("the first run never took its lock") }
            usleep(50_000)
        }

        let start = Date()
        let second = try ToolProcess.run(bert, finetune(train: train, output: output, epochs: "1"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "refused at once")
        XCTAssertNotEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("belongs to a run in progress (pid \(first.processIdentifier) on "), second.output)
        XCTAssertFalse(second.output.contains("device:"), "refused before any work: \(second.output)")

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        // What a write killed mid-way leaves behind.
        try FileManager.default.createDirectory(atPath: output + "/checkpoints/.step-000002.tmp-2147480001-2", withIntermediateDirectories: true)
        let third = try ToolProcess.run(bert, finetune(train: train, output: output, epochs: "1"))
        XCTAssertEqual(third.status, 0, third.output)
        XCTAssertTrue(third.output.contains("output: removed 1 temporary entries"), third.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/checkpoints/.step-000002.tmp-2147480001-2"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/model/config.json"), third.output)
    }

    func testAnUnusableOutputIsOneLineBeforeAnyWork() throws {
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let work = try ToolProcess.folder("swiftbert-claim", for: self)
        let train = try trainingFile(in: work)
        for output in [train, "/proc/swiftbert-run"] {
            let run = try ToolProcess.run(bert, finetune(train: train, output: output, epochs: "1"))
            XCTAssertNotEqual(run.status, 0, run.output)
            let lines = run.output.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, run.output)
            XCTAssertTrue(lines.first?.hasPrefix("Error: cannot use --output \(output): ") ?? false, run.output)
        }
    }
}
