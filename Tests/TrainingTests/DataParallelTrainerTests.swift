import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// Data parallelism inside one process: two trainers on two threads joined by an in-memory group (the same
/// collectives MPI gives) train as one trainer accumulating the same micro-batches — on CPU + CPU and on CPU +
/// OpenCL ranks (host staging of the gradient arena).
final class DataParallelTrainerTests: XCTestCase {
    private let config = TrainerFixture.config
    private let sequence = TrainerFixture.sequence

    private func outputFolder() -> String { TrainerFixture.outputFolder(for: self, prefix: "swiftbert-dp") }

    private func features() -> [Feature] { TrainerFixture.features() }

    /// A trainer whose weights start from `seed` (ranks other than 0 start elsewhere: the broadcast fixes that).
    private func makeTrainer(_ device: any Device, micro: Int, seed: UInt64, output: String,
                             parallel: (any DataParallel)?, configure: (inout TrainerConfig) -> Void = { _ in }) throws -> Trainer {
        try TrainerFixture.trainer(device, micro: micro, seed: seed, output: output, parallel: parallel) { settings in
            settings.dropout = false
            configure(&settings)
        }
    }

    private func values(_ trainer: Trainer) throws -> [Float] {
        try trainer.parameters.specs.flatMap { try trainer.parameters.read($0.name) }
    }

    /// Trains rank r on `devices[r]` concurrently; returns each rank's final weights and rank 0's losses.
    private func trainRanks(_ devices: [any Device], micro: Int,
                            configure: (inout TrainerConfig) -> Void = { _ in }) throws -> (weights: [[Float]], output: String) {
        let group = ThreadGroup(size: devices.count)
        let output = outputFolder()
        let trainers = try devices.enumerated().map { rank, device in
            try makeTrainer(device, micro: micro, seed: 11 + UInt64(rank), output: output,
                            parallel: ThreadRank(group: group, rank: rank), configure: configure)
        }
        let errors = ErrorBox()
        let work = Unchecked((trainers, features()))
        DispatchQueue.concurrentPerform(iterations: trainers.count) { rank in
            do { try work.value.0[rank].train(work.value.1, evaluation: nil) } catch { errors.record("rank \(rank): \(error)") }
        }
        if let message = errors.first { throw TrainingError.data(message) }
        return (try trainers.map(values), output)
    }

    func testTwoRanksTrainAsOneProcessWithTheGlobalBatch() throws {
        let single = try makeTrainer(CPUDevice(), micro: 4, seed: 11, output: outputFolder(), parallel: nil)
        try single.train(features(), evaluation: nil)
        let expected = try values(single)
        let (weights, output) = try trainRanks([CPUDevice(), CPUDevice()], micro: 2)
        XCTAssertEqual(weights[0], weights[1], "every rank applies the same update")
        let comparison = Comparison(weights[0], expected, atol: 1e-6, rtol: 1e-5)
        XCTAssertTrue(comparison.passed, "2 ranks × 2 vs 1 × 4: \(comparison)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/model/model.safetensors"), "rank 0 writes the model")
    }

    func testTwoRanksTrainAsOneProcessWithLengthGroupedShortBatches() throws {
        // Lengths 4 to 8 at multiples of 1: every micro-batch runs at its own length on each rank.
        func grouped(_ settings: inout TrainerConfig) {
            settings.groupByLength = true
            settings.batchLength = BatchLength(multiple: 1)
            settings.epochs = 2
        }
        let single = try makeTrainer(CPUDevice(), micro: 4, seed: 11, output: outputFolder(), parallel: nil, configure: grouped)
        let summary = try single.train(features(), evaluation: nil)
        XCTAssertLessThan(summary.throughput.computedTokens, summary.throughput.fullLengthTokens)
        let (weights, _) = try trainRanks([CPUDevice(), CPUDevice()], micro: 2, configure: grouped)
        XCTAssertEqual(weights[0], weights[1], "every rank applies the same update")
        let comparison = Comparison(weights[0], try values(single), atol: 1e-6, rtol: 1e-5)
        XCTAssertTrue(comparison.passed, "2 ranks × 2 vs 1 × 4, grouped: \(comparison)")
    }

    func testMixedCPUAndOpenCLRanks() throws {
        let single = try makeTrainer(CPUDevice(), micro: 4, seed: 11, output: outputFolder(), parallel: nil)
        try single.train(features(), evaluation: nil)
        let (weights, _) = try trainRanks([CPUDevice(), try TestDevices.openCL()], micro: 2)
        for (rank, rankWeights) in weights.enumerated() {
            let comparison = Comparison(rankWeights, try values(single), atol: 1e-5, rtol: 1e-4)
            XCTAssertTrue(comparison.passed, "rank \(rank) (CPU + OpenCL) vs one process: \(comparison)")
        }
    }

    func testTheGlobalBatchMustSplitIntoRanksTimesMicroBatches() throws {
        let group = ThreadGroup(size: 3)
        XCTAssertThrowsError(try makeTrainer(CPUDevice(), micro: 2, seed: 11, output: outputFolder(),
                                             parallel: ThreadRank(group: group, rank: 0))) { error in
            XCTAssertTrue(String(describing: error).contains("multiple of the ranks (3)"), "\(error)")
        }
    }
}

/// Collectives between threads of one process: each call waits for every rank's contribution.
private final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [[Double]?]
    private var arrived = 0, generation = 0
    private var result: [[Double]] = []

    init(size: Int) {
        self.size = size
        contributions = Array(repeating: nil, count: size)
    }

    /// Every rank's `values`, in rank order, once all have arrived.
    func gather(rank: Int, _ values: [Double]) -> [[Double]] {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        contributions[rank] = values
        arrived += 1
        if arrived == size {
            result = contributions.map { $0 ?? [] }
            contributions = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        return result
    }
}

private final class ThreadRank: DataParallel {
    let group: ThreadGroup
    let rank: Int
    var size: Int { group.size }

    init(group: ThreadGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    private func sum(_ values: [Double]) -> [Double] {
        group.gather(rank: rank, values).reduce([Double](repeating: 0, count: values.count)) { zip($0, $1).map(+) }
    }

    func allReduceSum(_ values: inout [Float]) throws { values = sum(values.map(Double.init)).map(Float.init) }
    func allReduceSum(_ values: inout [Double]) throws { values = sum(values) }
    func broadcast(_ values: inout [Float], root: Int) throws {
        values = group.gather(rank: rank, values.map(Double.init))[root].map(Float.init)
    }
    func barrier() throws { _ = group.gather(rank: rank, []) }
}

private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func record(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
}

/// Hands the trainers to the rank threads (each thread uses only its own trainer).
private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
