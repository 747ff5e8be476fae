import BERT
import Compute
import Foundation

/// Runs a memory plan to check it: `dryRun` builds the planned fine-tuning run on a `DryRunDevice` (every
/// buffer allocated virtually through an accountant that mirrors the target's, every op of one optimizer step
/// issued with its argument checks, nothing computed — a full BERT-Large step at seq 512 in seconds);
/// `execute` builds it on the real device with random weights and synthetic inputs and times real optimizer
/// steps. Both report the accountant's peak, which the plan predicts.
public enum PlanCheck {
    /// What a check measured.
    public struct Result: Sendable {
        /// The most bytes the run had allocated at once (beyond what the device held before), in bytes.
        public let peak: Int
        /// Seconds of each optimizer step (one untimed-free entry for a dry run).
        public let stepSeconds: [Double]
        /// Tokens of one effective batch.
        public let tokensPerStep: Int
        /// The GEMMs the steps issued (per-matrix shapes for batched ones; dry runs only).
        public let gemms: [GEMMShape]

        /// Tokens per second of the median step.
        public var tokensPerSecond: Double {
            Double(tokensPerStep) / stepSeconds.sorted()[stepSeconds.count / 2]
        }
    }

    /// The planned run on a virtual device mirroring `target`: one optimizer step, no compute. `capacity` (default:
    /// the target's memory) lets a plan for a larger device of the same kind be checked on a smaller one.
    public static func dryRun(_ plan: MemoryPlan, config: BertConfig, head: PlannedHead, batchSize: Int,
                              target: any Device, capacity: Int? = nil) throws -> Result {
        let device = DryRunDevice(mirroring: target, budget: nil, capacity: capacity)
        let result = try run(plan, config: config, head: head, batchSize: batchSize, device: device, steps: 1, compute: false)
        return Result(peak: result.peak, stepSeconds: result.stepSeconds, tokensPerStep: result.tokensPerStep,
                      gemms: device.executedGEMMs)
    }

    /// The planned run on `device` with random weights (seed 1) and random full-length inputs: `steps`
    /// optimizer steps of `batchSize` examples, timed.
    public static func execute(_ plan: MemoryPlan, config: BertConfig, head: PlannedHead, batchSize: Int,
                               device: any Device, steps: Int) throws -> Result {
        try run(plan, config: config, head: head, batchSize: batchSize, device: device, steps: max(steps, 1), compute: true)
    }

    private static func run(_ plan: MemoryPlan, config: BertConfig, head: PlannedHead, batchSize: Int, device: any Device,
                            steps: Int, compute: Bool) throws -> Result {
        let baseline = device.memory.current
        device.memory.resetPeak()
        let parameters = try ParameterStore(config: config, heads: head.modelHeads, device: device, training: true)
        if compute { try parameters.initialize(seed: 1) }
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: plan.microBatch, sequence: plan.sequence),
                                      mode: .training, policy: plan.policy, output: head.spec.encoderOutput)
        let taskHead = try head.spec.makeHead(encoder: encoder)
        var settings = TrainerConfig(outputDirectory: FileManager.default.temporaryDirectory.path)
        settings.batchSize = batchSize
        settings.microBatchSize = plan.microBatch
        settings.optimizer = plan.optimizer ?? .google
        // The plan is for the worst batch: every micro-batch at the full length.
        settings.batchLength.dynamic = false
        let trainer = try Trainer(encoder: encoder, head: taskHead, config: settings,
                                  files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: []), doLowerCase: true))
        let features = compute ? syntheticFeatures(config: config, head: head, count: batchSize, sequence: plan.sequence)
            : [Feature](repeating: .padding(length: plan.sequence), count: batchSize)
        let schedule = LearningRateSchedule(baseRate: settings.learningRate, totalSteps: steps, warmupProportion: 0)
        var seconds: [Double] = []
        for step in 0..<steps {
            let start = Date()
            _ = try trainer.optimizerStep(features, step: step, schedule: schedule, checkpoint: nil)
            try device.synchronize()
            seconds.append(Date().timeIntervalSince(start))
        }
        return Result(peak: device.memory.peak - baseline, stepSeconds: seconds, tokensPerStep: batchSize * plan.sequence, gemms: [])
    }

    /// Random ids over the whole sequence (two segments) with random targets for `head`.
    static func syntheticFeatures(config: BertConfig, head: PlannedHead, count: Int, sequence: Int) -> [Feature] {
        var random = SplitMix64(seed: 2)
        return (0..<count).map { _ in
            var feature = Feature(ids: (0..<sequence).map { _ in Int32(random.next() % UInt64(config.vocabSize)) },
                                  types: (0..<sequence).map { Int32($0 < sequence / 2 ? 0 : 1) },
                                  mask: [Int32](repeating: 1, count: sequence))
            head.spec.randomTargets(&feature, sequence: sequence, vocabulary: config.vocabSize, random: &random)
            return feature
        }
    }
}
