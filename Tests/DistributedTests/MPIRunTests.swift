import Cluster
import Foundation
import TestSupport
import XCTest

/// `bert` under `mpirun -np 2` (CPU backend) on a tiny task against one process with twice the micro-batch: the
/// same loss curve, resume with a different number of ranks, and a failing rank stopping the job. Skipped when
/// this build has no MPI or `mpirun` is not on the PATH.
final class MPIRunTests: XCTestCase {
    private var packageRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    private var tinyModel: String { packageRoot.appendingPathComponent("Tests/BERTTests/Fixtures/hf-tiny").path }

    /// The `bert` built beside this test bundle.
    private func bert() throws -> String { try ToolProcess.built("bert", besides: Bundle(for: Self.self)) }

    private func mpirun() throws -> String {
        guard Communicator.isAvailable else { throw XCTSkip("this build has no MPI") }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(folder)/mpirun"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("mpirun is not on the PATH")
    }

    private func folder() throws -> String { try ToolProcess.folder("swiftbert-mpi", for: self) }

    /// 64 sentences of the tiny model's words, two labels.
    private func trainingFile(in folder: String) throws -> String {
        let vocabulary = try String(contentsOfFile: tinyModel + "/vocab.txt", encoding: .utf8).split(separator: "\n")
            .map(String.init).filter { $0.allSatisfy(\.isLetter) }
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var lines = ["sentence\tlabel"]
        for i in 0..<64 {
            let words = (0..<(3 + next(8))).map { _ in vocabulary[next(vocabulary.count)] }
            lines.append(words.joined(separator: " ") + "\t" + (i % 3 == 0 ? "neg" : "pos"))
        }
        let path = folder + "/train.tsv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> ToolProcess.Outcome {
        // Containers often forbid the cross-memory attach Open MPI's shared-memory transport uses for large messages.
        try ToolProcess.run(executable, arguments, environment: ["OMPI_MCA_rmaps_base_oversubscribe": "1",
                                                                 "OMPI_MCA_btl_vader_single_copy_mechanism": "none"])
    }

    private func finetune(train: String, micro: Int, output: String, extra: [String] = []) throws -> [String] {
        ["finetune", "classify", "--model", tinyModel, "--train", train, "--text-column", "sentence", "--label-column", "label",
         "--output", output, "--batch-size", "8", "--micro-batch-size", String(micro), "--max-seq-length", "16",
         "--epochs", "1", "--no-dropout", "--device", "cpu", "--threads", "1", "--learning-rate", "1e-3",
         "--save-every", "4", "--length-multiple", "2"] + extra
    }

    private func mpiArguments(_ ranks: Int) -> [String] {
        ["-np", String(ranks), "--oversubscribe"] + (getuid() == 0 ? ["--allow-run-as-root"] : [])
    }

    private func steps(_ output: String) throws -> [Int: (loss: Double, norm: Double)] {
        var steps: [Int: (Double, Double)] = [:]
        for line in try String(contentsOfFile: output + "/metrics.jsonl", encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = object["step"] as? Int, let loss = object["loss"] as? Double,
                  let norm = object["grad_norm"] as? Double else { continue }
            steps[step] = (loss, norm)
        }
        return steps
    }

    private func assertClose(_ a: [Int: (loss: Double, norm: Double)], _ b: [Int: (loss: Double, norm: Double)],
                             _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), what, file: file, line: line)
        for step in a.keys.sorted() {
            guard let x = a[step], let y = b[step] else { continue }
            XCTAssertEqual(x.loss, y.loss, accuracy: 1e-4 * abs(y.loss), "\(what): loss at step \(step)", file: file, line: line)
            XCTAssertEqual(x.norm, y.norm, accuracy: 1e-4 * abs(y.norm) + 1e-6, "\(what): norm at step \(step)", file: file, line: line)
        }
    }

    func testTwoRanksMatchOneProcessAndResumeWithOneRank() throws {
        let mpirun = try mpirun(), bert = try bert(), work = try folder()
        let train = try trainingFile(in: work)

        let single = try run(bert, try finetune(train: train, micro: 8, output: work + "/single"))
        XCTAssertEqual(single.status, 0, single.output)
        let two = try run(mpirun, mpiArguments(2) + [bert] + (try finetune(train: train, micro: 4, output: work + "/two")))
        XCTAssertEqual(two.status, 0, two.output)
        XCTAssertTrue(two.output.contains("rank 1 of 2"), two.output)
        XCTAssertTrue(two.output.contains("batches grouped by length"), two.output)
        let expected = try steps(work + "/single")
        XCTAssertEqual(expected.count, 8)
        assertClose(try steps(work + "/two"), expected, "2 ranks × 4 vs 1 × 8")

        // The 2-rank run's checkpoint continued by one process: the rest of the same curve.
        let resumed = try run(bert, try finetune(train: train, micro: 8, output: work + "/resumed",
                                                 extra: ["--resume", work + "/two/checkpoints/step-000004"]))
        XCTAssertEqual(resumed.status, 0, resumed.output)
        assertClose(try steps(work + "/resumed"), expected.filter { $0.key > 4 }, "resumed with 1 rank")
    }

    func testAFailingRankStopsTheJob() throws {
        let mpirun = try mpirun(), bert = try bert(), work = try folder()
        let train = try trainingFile(in: work)
        // MPMD: rank 1 is asked to resume from a checkpoint that does not exist; rank 0 waits in the broadcast.
        let failed = try run(mpirun, mpiArguments(1) + [bert] + (try finetune(train: train, micro: 4, output: work + "/out"))
                             + [":", "-np", "1", bert] + (try finetune(train: train, micro: 4, output: work + "/out",
                                                                       extra: ["--resume", work + "/missing"])))
        XCTAssertNotEqual(failed.status, 0, failed.output)
        XCTAssertTrue(failed.output.contains("rank 1 of 2: cannot resume"), failed.output)
    }
}
