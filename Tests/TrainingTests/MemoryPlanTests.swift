import BERT
import Compute
import Foundation
import XCTest
@testable import Training

/// The memory plan equals, to the byte, the peak the memory accountant measures in a real training step.
final class MemoryPlanTests: XCTestCase {
    private let config = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                    intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 16)

    private func measuredPeak(maxAllocation: Int?, micro: Int) throws -> (peak: Int, plan: MemoryPlan) {
        let device = CPUDevice(options: DeviceOptions(maxAllocation: maxAllocation))
        let parameters = try ParameterStore(config: config, heads: .classifier(labels: 3), device: device, training: true)
        try parameters.initialize(seed: 1)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: micro, sequence: 8), mode: .training)
        let head = try SequenceClassifierHead(encoder: encoder, objective: .classification(labels: 3))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-plan-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: output) }
        var settings = TrainerConfig(outputDirectory: output)
        settings.batchSize = 4
        settings.microBatchSize = micro
        settings.epochs = 1
        let trainer = try Trainer(encoder: encoder, head: head, config: settings,
                                  files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: (0..<50).map { "t\($0)" }),
                                                    doLowerCase: true))
        let features = (0..<8).map { i -> Feature in
            var f = Feature(ids: (0..<8).map { Int32(($0 * 7 + i) % 50) }, types: [Int32](repeating: 0, count: 8),
                            mask: [Int32](repeating: 1, count: 8))
            f.label = Int32(i % 3)
            return f
        }
        try trainer.train(features, evaluation: nil)
        let plan = try MemoryPlan(config: config, head: .sequence(outputs: 3), microBatch: micro, sequence: 8, training: true,
                                  maxAllocation: device.info.maxAllocation)
        return (device.memory.peak, plan)
    }

    func testPlannedPeakEqualsMeasuredPeakToTheByte() throws {
        for (maxAllocation, micro) in [(nil, 4), (nil, 2), (8192, 2)] as [(Int?, Int)] {
            let (peak, plan) = try measuredPeak(maxAllocation: maxAllocation, micro: micro)
            XCTAssertEqual(plan.total, peak, "micro-batch \(micro), max allocation \(String(describing: maxAllocation)): "
                           + plan.items.map { "\($0.name) \($0.bytes)" }.joined(separator: ", "))
        }
    }

    func testChoosesTheLargestMicroBatchThatFits() throws {
        let full = try MemoryPlan(config: config, head: .sequence(outputs: 3), microBatch: 8, sequence: 8, training: true,
                                  maxAllocation: 1 << 30)
        let half = try MemoryPlan(config: config, head: .sequence(outputs: 3), microBatch: 4, sequence: 8, training: true,
                                  maxAllocation: 1 << 30)
        XCTAssertLessThan(half.total, full.total)
        XCTAssertEqual(try MemoryPlan.choose(config: config, head: .sequence(outputs: 3), batchSize: 8, sequence: 8,
                                             budget: full.total, maxAllocation: 1 << 30)?.microBatch, 8)
        XCTAssertEqual(try MemoryPlan.choose(config: config, head: .sequence(outputs: 3), batchSize: 8, sequence: 8,
                                             budget: full.total - 1, maxAllocation: 1 << 30)?.microBatch, 4)
        XCTAssertNil(try MemoryPlan.choose(config: config, head: .sequence(outputs: 3), batchSize: 8, sequence: 8,
                                           budget: 1000, maxAllocation: 1 << 30))
    }
}
