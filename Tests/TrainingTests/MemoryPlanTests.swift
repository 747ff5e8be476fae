import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// The memory plan equals, to the byte, the peak the memory accountant measures in real training runs — on
/// both devices, for several heads, micro-batches, chunk limits and activation policies — and the dry run
/// (virtual allocations, no compute) measures the same peak.
final class MemoryPlanTests: XCTestCase {
    private static let small = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                          intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 16)
    /// Another size: more layers and heads, tanh GELU, no attention dropout (no dropped-probability buffers).
    private static let deeper = BertConfig(vocabSize: 50, hiddenSize: 24, numHiddenLayers: 3, numAttentionHeads: 3,
                                           intermediateSize: 40, activation: .tanh, attentionProbsDropoutProb: 0,
                                           maxPositionEmbeddings: 16)
    /// Long sequences for its width: attention's batched GEMMs have the largest operands (what the CPU backend's bf16
    /// operand copies must cover).
    private static let longAttention = BertConfig(vocabSize: 50, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                                                  intermediateSize: 16, activation: .erf, maxPositionEmbeddings: 32)
    private let config = MemoryPlanTests.small

    private struct Case {
        var config = MemoryPlanTests.small
        var sequence = 8
        var head: PlannedHead = .sequence(outputs: 3)
        var micro: Int
        var policy: ActivationPolicy = .keepAll
        var maxAllocation: Int? = nil
        var optimizer: OptimizerKind = .google
    }

    /// Trains 2 steps of effective batch 4 on `device` (nil: a fresh CPU device with the case's allocation
    /// limit) and returns the peak the run added to the device, with the plan.
    private func measure(_ c: Case, on shared: (any Device)? = nil) throws -> (peak: Int, plan: MemoryPlan, dry: Int) {
        let device = shared ?? CPUDevice(options: DeviceOptions(maxAllocation: c.maxAllocation))
        let config = c.config, s = c.sequence
        try device.releaseWorkspace()
        let baseline = device.memory.current
        device.memory.resetPeak()
        let peak: Int
        do {
            let heads = c.head.modelHeads
            let parameters = try ParameterStore(config: config, heads: heads, device: device, training: true)
            try parameters.initialize(seed: 1)
            let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: c.micro, sequence: s), mode: .training,
                                          policy: c.policy)
            let head = try c.head.spec.makeHead(encoder: encoder)
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-plan-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            var settings = TrainerConfig(outputDirectory: output)
            settings.batchSize = 4
            settings.microBatchSize = c.micro
            settings.epochs = 1
            settings.optimizer = c.optimizer
            let trainer = try Trainer(encoder: encoder, head: head, config: settings,
                                      files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: (0..<50).map { "t\($0)" }),
                                                        doLowerCase: true))
            let features = (0..<8).map { i -> Feature in
                var f = Feature(ids: (0..<s).map { Int32(($0 * 7 + i) % 50) }, types: [Int32](repeating: 0, count: s),
                                mask: (0..<s).map { Int32($0 < s - 2 + i % 3 ? 1 : 0) })
                f.label = Int32(i % 3)
                f.tokenLabels = (0..<s).map { Int32(($0 + i) % 3) }
                f.start = Int32(1 + i % 3)
                f.end = Int32(2 + i % 3)
                if case .multiLabel(let labels)? = (c.head.spec as? SequenceHeadSpec)?.objective {
                    f.labelSet = (0..<labels).map { Float(($0 + i) % 2) }
                }
                if let predictions = (c.head.spec as? PretrainingHeadSpec)?.predictions {   // fewer than max predictions in some rows
                    f.maskedPositions = (0..<(predictions - i % 2)).map { Int32(1 + $0) }
                    f.maskedLabels = (0..<(predictions - i % 2)).map { Int32(($0 * 5 + i) % 50) }
                    f.maskedWeights = [Float](repeating: 1, count: predictions - i % 2)
                    f.label = Int32(i % 2)
                }
                return f
            }
            try trainer.train(features, evaluation: nil)
            peak = device.memory.peak - baseline
        }
        let plan = try MemoryPlan(config: config, head: c.head, microBatch: c.micro, sequence: s, training: true,
                                  policy: c.policy, device: device, optimizer: c.optimizer)
        let dry = try PlanCheck.dryRun(plan, config: config, head: c.head, batchSize: 4, target: device)
        return (peak, plan, dry.peak)
    }

    private func check(_ c: Case, on device: (any Device)? = nil) throws {
        let (peak, plan, dry) = try measure(c, on: device)
        let what = "\(c.config.numHiddenLayers) layers, seq \(c.sequence), \(c.head), micro-batch \(c.micro), \(c.policy), max allocation \(String(describing: c.maxAllocation)) on "
            + "\(device?.info.description ?? "cpu"): " + plan.items.map { "\($0.name) \($0.bytes)" }.joined(separator: ", ")
        XCTAssertEqual(plan.total, peak, what)
        XCTAssertEqual(dry, peak, "dry run: " + what)
    }

    func testPlannedPeakEqualsMeasuredPeakToTheByteOnCPU() throws {
        for c in [Case(micro: 4), Case(micro: 2), Case(micro: 2, maxAllocation: 8192),
                  Case(micro: 2, policy: ActivationPolicy(recompute: .attention)),
                  Case(micro: 4, policy: ActivationPolicy(recompute: .layer), maxAllocation: 8192),
                  Case(micro: 2, policy: ActivationPolicy(recompute: .none, storage: .float16)),
                  Case(micro: 4, policy: ActivationPolicy(recompute: .layer, storage: .float16)),
                  Case(head: .tokens(labels: 3), micro: 2, policy: ActivationPolicy(recompute: .attention, storage: .float16)),
                  Case(head: .span, micro: 4, policy: ActivationPolicy(recompute: .layer)),
                  Case(head: .multiLabel(labels: 5), micro: 2),
                  Case(head: .pretraining(predictions: 3), micro: 2, optimizer: .lamb),
                  Case(head: .pretraining(predictions: 2), micro: 4, policy: ActivationPolicy(recompute: .layer, storage: .float16),
                       maxAllocation: 8192),
                  Case(config: Self.deeper, sequence: 12, micro: 4),
                  Case(config: Self.deeper, sequence: 12, micro: 2, policy: ActivationPolicy(recompute: .attention, storage: .float16)),
                  Case(config: Self.deeper, sequence: 16, head: .span, micro: 4, policy: ActivationPolicy(recompute: .layer, storage: .float16),
                       maxAllocation: 32768)] {
            try check(c)
        }
    }

    func testPlannedPeakEqualsMeasuredPeakToTheByteOnCPUWithBF16GEMMs() throws {
        try XCTSkipUnless(CPUDevice.bf16GEMMAvailable, "no bf16 GEMMs here (built without oneDNN, or oneDNN has no bf16 matmul for this processor)")
        var options = DeviceOptions()
        options.precision = .bf16
        let device = CPUDevice(options: options)
        for c in [Case(micro: 4), Case(micro: 2, policy: ActivationPolicy(recompute: .attention, storage: .float16)),
                  Case(config: Self.longAttention, sequence: 32, micro: 2),
                  Case(config: Self.longAttention, sequence: 32, micro: 2, policy: ActivationPolicy(recompute: .layer)),
                  Case(head: .pretraining(predictions: 3), micro: 2, optimizer: .lamb)] {
            try check(c, on: device)
            let plan = try MemoryPlan(config: c.config, head: c.head, microBatch: c.micro, sequence: c.sequence, training: true,
                                      policy: c.policy, device: device, optimizer: c.optimizer)
            XCTAssertTrue(plan.items.contains { $0.name.hasPrefix("bf16 GEMM operands") && $0.bytes > 0 }, "\(plan.items)")
        }
    }

    func testPlannedPeakEqualsMeasuredPeakToTheByteOnOpenCL() throws {
        let device = try TestDevices.openCL()
        for c in [Case(micro: 4), Case(micro: 2, policy: ActivationPolicy(recompute: .layer, storage: .float16)),
                  Case(head: .span, micro: 2, policy: ActivationPolicy(recompute: .attention)),
                  Case(head: .multiLabel(labels: 5), micro: 4),
                  Case(head: .pretraining(predictions: 3), micro: 2, policy: ActivationPolicy(recompute: .attention), optimizer: .lamb),
                  Case(config: Self.deeper, sequence: 12, head: .tokens(labels: 3), micro: 4,
                       policy: ActivationPolicy(recompute: .none, storage: .float16))] {
            try check(c, on: device)
        }
    }

    /// BERT-Large at seq 512 (the case of Google's README), on a dry device mirroring each real one: the dry run
    /// takes seconds and equals the plan, and the GEMMs it issued are all in the census the workspace is sized by.
    func testDryRunOfBertLargeAtSeq512EqualsThePlan() throws {
        let large = BertConfig(size: .large)
        for device in try TestDevices.both() {
            for policy in [ActivationPolicy(recompute: .layer, storage: .float16), .keepAll] {
                let plan = try MemoryPlan(config: large, head: .span, microBatch: 2, sequence: 512, training: true,
                                          policy: policy, device: device)
                // The VM's PoCL may hold less than the keep-all plan needs (seen 3.4–4.5 GiB): check the plan as for a
                // device of the same kind with enough memory.
                let dry = try PlanCheck.dryRun(plan, config: large, head: .span, batchSize: 4, target: device,
                                               capacity: max(device.info.globalMemory, plan.total))
                XCTAssertEqual(dry.peak, plan.total, "\(policy) on \(device.info)")
                XCTAssertLessThan(dry.stepSeconds[0], 30)
                let census = try MemoryPlan.gemmWorkspaceBytes(config: large, head: .span, shape: EncoderShape(batch: 2, sequence: 512),
                                                               training: true, device: device)
                for shape in dry.gemms {
                    XCTAssertLessThanOrEqual(try device.gemmWorkspaceBytes(shape), census, "\(shape) on \(device.info)")
                }
            }
        }
    }

    func testChoosesTheFastestPlanThatFits() throws {
        let cpu = CPUDevice()
        func plan(_ micro: Int, _ policy: ActivationPolicy = .keepAll) throws -> MemoryPlan {
            try MemoryPlan(config: config, head: .sequence(outputs: 3), microBatch: micro, sequence: 8, training: true,
                           policy: policy, device: cpu)
        }
        func choose(_ budget: Int, _ policies: [ActivationPolicy] = ActivationPolicy.all) throws -> MemoryPlan? {
            try MemoryPlan.choose(config: config, head: .sequence(outputs: 3), batchSize: 8, sequence: 8, budget: budget,
                                  device: cpu, policies: policies)
        }
        let full = try plan(8)
        XCTAssertLessThan(try plan(4).total, full.total)
        // Everything fits: no recompute, no accumulation.
        XCTAssertEqual(try choose(full.total)?.microBatch, 8)
        XCTAssertEqual(try choose(full.total)?.policy, .keepAll)
        // Keep-all only: the largest micro-batch that fits.
        XCTAssertEqual(try choose(full.total - 1, [.keepAll])?.microBatch, 4)
        // One byte short of keep-all at 8: a cheaper-than-accumulation policy at 8 wins over halving the micro-batch.
        let tight = try XCTUnwrap(try choose(full.total - 1))
        XCTAssertEqual(tight.microBatch, 8)
        XCTAssertNotEqual(tight.policy, .keepAll)
        XCTAssertLessThanOrEqual(tight.total, full.total - 1)
        XCTAssertNil(try choose(1000))
    }

    func testOneChoiceRuleForAutoAndFixedMicroBatches() throws {
        let head = PlannedHead.sequence(outputs: 3)
        let full = try MemoryPlan(config: config, head: head, microBatch: 8, sequence: 8, training: true, device: CPUDevice())
        let tight = CPUDevice(options: DeviceOptions(memoryBudget: full.total - 1))
        func choice(_ micro: MicroBatchSize, _ policies: [ActivationPolicy] = ActivationPolicy.all) throws -> MemoryPlanChoice {
            try MemoryPlanChoice(config: config, head: head, sequence: 8, batchSize: 8, microBatch: micro, policies: policies,
                                 device: tight)
        }
        // auto: the same plan as `MemoryPlan.choose` over every policy, and one considered plan per policy that fits.
        let auto = try choice(.auto)
        let chosen = try XCTUnwrap(try MemoryPlan.choose(config: config, head: head, batchSize: 8, sequence: 8,
                                                         budget: full.total - 1, device: tight))
        XCTAssertEqual(auto.budget, full.total - 1)
        XCTAssertEqual(auto.chosen.microBatch, chosen.microBatch)
        XCTAssertEqual(auto.chosen.policy, chosen.policy)
        XCTAssertEqual(auto.considered.count, ActivationPolicy.all.count, "at micro-batch 1 every policy fits")
        XCTAssertTrue(auto.considered.allSatisfy { $0.total <= full.total - 1 })
        // fixed 8: keep-all is one byte too large, so the cheapest policy that fits at 8 (the next in cost order).
        let fixed = try choice(.fixed(8))
        XCTAssertEqual(fixed.chosen.microBatch, 8)
        XCTAssertEqual(fixed.chosen.policy, ActivationPolicy.all.first { policy in fixed.considered.contains { $0.policy == policy } })
        XCTAssertFalse(fixed.considered.contains { $0.policy == .keepAll })
        // fixed 8 with keep-all only: nothing fits, and the error says what would.
        XCTAssertThrowsError(try choice(.fixed(8), [.keepAll])) { error in
            XCTAssertTrue("\(error)".contains("micro-batch 8 at seq 8 needs at least"), "\(error)")
            XCTAssertTrue("\(error)".contains("lower --micro-batch-size"), "\(error)")
        }
    }

    func testEveryPlannableHeadKindNamesItsPlannedHead() {
        let kinds: [any PlannableHeadKind.Type] = [SequenceHeadSpec.self, TokenHeadSpec.self, SpanHeadSpec.self,
                                                   PretrainingHeadSpec.self]
        XCTAssertEqual(kinds.map { $0.taskName }, ["classify", "ner", "squad", "pretrain"])
        XCTAssertEqual(kinds.map { $0.planned(labels: 7, predictions: 20) },
                       [.sequence(outputs: 7), .tokens(labels: 7), .span, .pretraining(predictions: 20)])
        XCTAssertEqual(SequenceHeadSpec.planned(labels: 1, predictions: 20), .sequence(outputs: 1), "one output: regression")
    }

    func testTheGEMMCensusIsWhatAStepRuns() throws {
        // A dry run of the real model code records every GEMM it calls; the census (what the plan counts) must list
        // exactly those shapes — for every head (the classifier's [CLS]-only last block included) and policy.
        func key(_ g: GEMMShape) -> String { "\(g.m)×\(g.n)×\(g.k) \(g.transA) \(g.transB)" }
        let cpu = CPUDevice(), shape = EncoderShape(batch: 2, sequence: 16)
        for head in [PlannedHead.sequence(outputs: 3), .multiLabel(labels: 4), .tokens(labels: 5), .span, .pretraining(predictions: 4)] {
            for policy in [ActivationPolicy.keepAll, ActivationPolicy(recompute: .layer, storage: .float16)] {
                let plan = try MemoryPlan(config: config, head: head, microBatch: 2, sequence: 16, training: true, policy: policy,
                                          device: cpu)
                let ran = try PlanCheck.dryRun(plan, config: config, head: head, batchSize: 2, target: cpu).gemms
                let census = MemoryPlan.gemmShapes(config: config, head: head, shape: shape, training: true)
                XCTAssertEqual(Set(ran.map(key)), Set(census.map(key)), "\(head), \(policy)")
            }
        }
    }

    func testWhyNothingFitsNamesTheNumbers() throws {
        let cpu = CPUDevice()
        let large = BertConfig(size: .large)
        let tooSmall = try MemoryPlan.whyNothingFits(config: large, head: .span, sequence: 512, budget: 2 << 30, device: cpu)
        XCTAssertTrue(tooSmall.contains("smaller than the parameters, their gradients and the optimizer moments alone"), tooSmall)
        XCTAssertTrue(tooSmall.contains("2147483648 bytes"), tooSmall)
        let short = try MemoryPlan.whyNothingFits(config: large, head: .span, sequence: 512, budget: 5_400_000_000, device: cpu,
                                                  microBatch: 64)
        XCTAssertTrue(short.contains("micro-batch 64 at seq 512 needs at least"), short)
        XCTAssertTrue(short.contains("lower --micro-batch-size"), short)
    }
}
