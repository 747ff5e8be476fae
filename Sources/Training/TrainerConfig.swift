import Compute

/// Settings of a fine-tuning run, named after Google's flags.
public struct TrainerConfig: Sendable {
    /// Examples per optimizer step (the effective batch).
    public var batchSize: Int = 32
    /// Examples per forward/backward; `batchSize / microBatchSize` micro-batches are accumulated per step.
    public var microBatchSize: Int = 32
    public var epochs: Double = 3
    /// Optimizer steps of the run; nil = ⌊features / batch · epochs⌋ (pre-training counts steps, not epochs).
    public var maxSteps: Int?
    /// Warmup steps; nil = `warmupProportion` of the steps.
    public var warmupSteps: Int?
    public var learningRate: Float = TrainingDefaults.learningRate
    public var warmupProportion: Double = 0.1
    public var optimizer: OptimizerKind = .google
    public var weightDecay: Float = TrainingDefaults.weightDecay
    public var maxGradNorm: Float = TrainingDefaults.maxGradNorm
    public var seed: UInt64 = TrainingDefaults.seed
    /// Apply the model's dropout while training.
    public var dropout: Bool = true
    /// The length each micro-batch (and evaluation batch) runs at: by default its longest sequence rounded up to
    /// a multiple of 8.
    public var batchLength: BatchLength = .standard
    /// Sort each megabatch of 50 shuffled batches by length so batches hold similar lengths (HF Trainer's
    /// `group_by_length`); the tasks' defaults are `TaskHeadKind.groupsByLength`.
    public var groupByLength: Bool = false
    /// Evaluate every N steps (and always at the end); nil = only at the end.
    public var evalEvery: Int?
    /// Write a checkpoint every N steps (and always at the end); nil = only at the end.
    public var checkpointEvery: Int?
    /// Checkpoints kept besides the final model.
    public var keepCheckpoints: Int = 2
    /// Print a progress line every N steps when standard error is not a terminal.
    public var logEvery: Int = 10
    /// Keep the best checkpoint by a dev metric, stop early, load the best at the end; nil = off.
    public var best: BestModelSettings?
    /// Where checkpoints, metrics.jsonl, training.svg and eval_results.json go.
    public var outputDirectory: String

    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }

    func validate() throws {
        try MicroBatchSize.fixed(microBatchSize).check(batchSize: batchSize)
        guard epochs > 0, epochs.isFinite else { throw TrainingError.invalidSetting("--epochs must be positive, got \(epochs)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw TrainingError.invalidSetting("--learning-rate must be a positive number, got \(learningRate)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw TrainingError.invalidSetting("--weight-decay must be 0 or more, got \(weightDecay)")
        }
        guard maxGradNorm >= 0, maxGradNorm.isFinite else {
            throw TrainingError.invalidSetting("--max-grad-norm must be 0 (off) or more, got \(maxGradNorm)")
        }
        guard (0..<1).contains(warmupProportion) else {
            throw TrainingError.invalidSetting("--warmup-proportion must be in [0, 1), got \(warmupProportion)")
        }
        guard (maxSteps ?? 1) > 0, (warmupSteps ?? 0) >= 0 else {
            throw TrainingError.invalidSetting("--num-train-steps must be positive and --num-warmup-steps not negative")
        }
        if let best {
            if let patience = best.patience, patience < 1 {
                throw TrainingError.invalidSetting("--early-stopping-patience must be at least 1, got \(patience)")
            }
            guard best.threshold >= 0, best.threshold.isFinite else {
                throw TrainingError.invalidSetting("--early-stopping-threshold must be 0 or more, got \(best.threshold)")
            }
        }
        guard batchLength.multiple > 0 else {
            throw TrainingError.invalidSetting("--length-multiple must be positive, got \(batchLength.multiple)")
        }
        for (flag, value) in [("--keep-checkpoints", keepCheckpoints), ("--eval-every", evalEvery ?? 1),
                              ("--save-every", checkpointEvery ?? 1), ("--log-every", logEvery)] where value < 1 {
            throw TrainingError.invalidSetting("\(flag) must be at least 1, got \(value)")
        }
    }
}
