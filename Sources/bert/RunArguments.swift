import ArgumentParser
import Compute
import Training

/// The flags every training run shares (`bert finetune …` and `bert pretrain`): optimizer, seed, evaluation and
/// checkpoint schedule, logging, resume, dropout.
struct RunArguments: ParsableArguments {
    @Option(name: .long, help: "adamw (Google's AdamWeightDecay, no bias correction), adamw-torch (PyTorch's AdamW) or lamb.")
    var optimizer: String = "adamw"

    @Option(name: .long, parsing: .unconditional, help: "Weight decay (not applied to LayerNorm and biases).")
    var weightDecay: Float = TrainingDefaults.weightDecay

    @Option(name: .long, parsing: .unconditional, help: "Clip gradients to this global norm (0 = off).")
    var maxGradNorm: Float = TrainingDefaults.maxGradNorm

    @Option(name: .long, parsing: .unconditional, help: "Seed of the data order, dropout and new weights.")
    var seed: UInt64 = TrainingDefaults.seed

    @Option(name: .long, parsing: .unconditional, help: "Evaluate on the held-out data every N steps (always at the end).")
    var evalEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: "Write a checkpoint every N steps (always at the end).")
    var saveEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: "Checkpoints to keep.")
    var keepCheckpoints: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Print a progress line every N steps when not on a terminal.")
    var logEvery: Int = 10

    @Option(name: .long, help: "Continue from a checkpoint folder of this run (output/checkpoints/step-N).")
    var resume: String?

    @Flag(name: .long, help: "Train without dropout.")
    var noDropout = false

    @Option(name: .long, help: ArgumentHelp(
        "Keep the checkpoint with the best value of this dev metric in OUTPUT/best (default with the flags below: the task's headline metric).",
        discussion: "Names ending in loss are better smaller, others larger. Needs a dev set; evaluates every --eval-every steps, else each epoch."))
    var metricForBest: String?

    @Option(name: .long, parsing: .unconditional, help: "Stop after N evaluations without an improvement of the best metric.")
    var earlyStoppingPatience: Int?

    @Option(name: .long, parsing: .unconditional, help: "The improvement of the best metric that counts for --early-stopping-patience.")
    var earlyStoppingThreshold: Double = 0

    @Flag(name: .long, help: "Make OUTPUT/model the best checkpoint's model instead of the last step's.")
    var loadBestAtEnd = false

    func validate() throws {
        guard OptimizerKind(rawValue: optimizer) != nil else {
            throw ValidationError("--optimizer must be one of \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(optimizer)'")
        }
    }

    /// Whether a best checkpoint is kept (any of the best-model flags given).
    var keepsBest: Bool { metricForBest != nil || earlyStoppingPatience != nil || loadBestAtEnd }

    var optimizerKind: OptimizerKind { OptimizerKind(rawValue: optimizer) ?? .google }

    /// Writes these settings into a trainer configuration.
    func apply(to config: inout TrainerConfig) {
        config.optimizer = optimizerKind
        config.weightDecay = weightDecay
        config.maxGradNorm = maxGradNorm
        config.seed = seed
        config.dropout = !noDropout
        config.evalEvery = evalEvery
        config.checkpointEvery = saveEvery
        config.keepCheckpoints = keepCheckpoints
        config.logEvery = logEvery
        if keepsBest {
            config.best = BestModelSettings(metric: metricForBest, patience: earlyStoppingPatience,
                                            threshold: earlyStoppingThreshold, loadBestAtEnd: loadBestAtEnd)
        }
    }
}
