import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Training

/// Flags every `bert finetune` task shares, named after Google's (kebab-case).
struct TrainingArguments: ParsableArguments {
    @Option(name: .long, help: "Model folder to start from (HF folder or Google checkpoint).")
    var model: String

    @Option(name: .long, help: "Training data file.")
    var train: String

    @Option(name: .long, help: "Dev data file (evaluated every --eval-every steps and at the end).")
    var dev: String?

    @Option(name: .long, help: "Output folder: checkpoints/, model/, metrics.jsonl, training.svg, eval_results.json.")
    var output: String

    @Option(name: .long, parsing: .unconditional, help: "Tokens per input, [CLS]/[SEP] included (default: 128; SQuAD 384).")
    var maxSeqLength: Int?

    @Option(name: .long, parsing: .unconditional, help: "Examples per optimizer step (the effective batch).")
    var batchSize: Int = 32

    @Option(name: .long, help: ArgumentHelp(
        "Examples per forward/backward (gradients of batch-size / micro-batch-size micro-batches accumulate), or auto: "
            + "the largest that fits --device-memory by the memory plan."))
    var microBatchSize: String?

    /// The explicit micro-batch size, nil for "auto" or when not given.
    var fixedMicroBatch: Int? { (try? MicroBatchSize(microBatchSize, batchSize: batchSize))?.fixed }

    @Option(name: .long, parsing: .unconditional, help: "Passes over the training data (fractions allowed).")
    var epochs: Double = 3

    @Option(name: .long, parsing: .unconditional, help: "Peak learning rate.")
    var learningRate: Float = TrainingDefaults.learningRate

    @Option(name: .long, parsing: .unconditional, help: "Fraction of steps with linear warmup.")
    var warmupProportion: Double = 0.1

    @Flag(name: .long, help: "Skip malformed data rows (counted and reported) instead of stopping at the first.")
    var skipBadRows = false

    @OptionGroup var lengthArguments: BatchLengthArguments

    @OptionGroup var runOptions: RunArguments

    @OptionGroup var deviceArguments: DeviceArguments

    @OptionGroup var activationArguments: ActivationArguments

    var badRows: BadRowPolicy { skipBadRows ? .skip : .fail }

    func validate() throws {
        do {
            try MicroBatchSize(microBatchSize, batchSize: batchSize).check(batchSize: batchSize)
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
        if let maxSeqLength, maxSeqLength < 8 { throw ValidationError("--max-seq-length must be at least 8, got \(maxSeqLength)") }
        if runOptions.keepsBest, dev == nil {
            throw ValidationError("--metric-for-best, --early-stopping-patience and --load-best-at-end need a dev set: give --dev")
        }
    }

    /// The trainer's settings for a task: length grouping by the task's default unless a flag says otherwise.
    func trainerConfig(head: TaskHeadKind) -> TrainerConfig {
        var config = TrainerConfig(outputDirectory: output)
        config.batchSize = batchSize
        config.microBatchSize = fixedMicroBatch ?? batchSize
        config.epochs = epochs
        config.learningRate = learningRate
        config.warmupProportion = warmupProportion
        runOptions.apply(to: &config)
        lengthArguments.apply(to: &config, groupByDefault: head.groupsByLength)
        return config
    }

    /// Fine-tunes on `train`, evaluating on `dev`; prints and returns the final dev metrics.
    @discardableResult
    func run<Train: TaskDataset>(train: Train, dev: (any TaskDataset)?, device: any Device) throws -> TrainingSummary {
        try DistributedRun.run { world in try run(train: train, dev: dev, device: device, parallel: world) }
    }

    /// `run` in one process (`parallel` nil) or as one rank of a data-parallel group (`--batch-size` is global).
    private func run<Train: TaskDataset>(train: Train, dev: (any TaskDataset)?, device: any Device,
                                         parallel: (any DataParallel)?) throws -> TrainingSummary {
        let ranks = parallel?.size ?? 1
        guard batchSize % ranks == 0 else {
            throw ValidationError("--batch-size (\(batchSize)) must be a multiple of the \(ranks) MPI ranks")
        }
        report(train.warnings, "training data")
        if let dev { report(dev.warnings, "dev data") }
        let positions = try Checkpoint.open(model).requireConfig().maxPositionEmbeddings
        report(train.truncation, "training data", sequence: train.sequenceLength, positions: positions)
        if let dev { report(dev.truncation, "dev data", sequence: dev.sequenceLength, positions: positions) }
        var config = trainerConfig(head: train.head)
        let plan = try memoryPlan(head: train.head, sequence: train.sequenceLength, device: device, ranks: ranks)
        config.microBatchSize = plan.microBatch
        let model = try TaskModel(folder: self.model, kind: train.head, device: device, batch: config.microBatchSize,
                                  sequence: train.sequenceLength, training: true, seed: runOptions.seed, policy: plan.policy)
        if !model.initializedHeads.isEmpty {
            printError("new head: \(model.initializedHeads.joined(separator: ", ")) (initialized, seed \(runOptions.seed))")
        }
        let trainer = try Trainer(encoder: model.encoder, head: model.head, config: config, files: model.files, parallel: parallel)
        if let parallel, parallel.size > 1 {
            printError("data parallel: rank \(parallel.rank) of \(parallel.size), \(config.batchSize / parallel.size) examples of each batch")
        }
        printError("training on \(train.features.count) features: \(trainer.totalSteps(featureCount: train.features.count)) steps "
                   + "of \(config.batchSize) (micro-batches of \(config.microBatchSize)), seq \(train.sequenceLength), "
                   + "peak memory so far \(ByteCount.format(device.memory.peak))")
        if config.groupByLength { printError("batches grouped by length (megabatches of 50 batches, --no-group-by-length to turn off)") }
        let summary = try trainer.train(train.features, truncation: train.truncation, evaluation: dev?.evaluation(),
                                        resume: runOptions.resume)
        printError(String(format: "trained %d steps in %.0f s; final loss %.4f; model in %@", summary.steps, summary.seconds,
                          summary.finalLoss, summary.modelFolder))
        printError("training throughput: \(summary.throughput.summary)")
        if !summary.evaluation.isEmpty {
            print(summary.evaluation.sorted { $0.key < $1.key }.map { "\($0.key) = \(String(format: "%.4f", $0.value))" }
                .joined(separator: "\n"))
        }
        return summary
    }
}

extension TrainingArguments {
    /// Opens --device for training `head` at `sequence`: under `auto`, a GPU the run's memory plan does not fit is
    /// passed over (each data-parallel rank plans for its share of the batch).
    func openDevice(head: TaskHeadKind, sequence: Int) throws -> any Device {
        let config = try Checkpoint.open(model).requireConfig()
        let ranks = max(DistributedRun.launch.worldSize, 1)
        return try deviceArguments.open(training: true, fits: memoryFit(
            config: config, head: PlannedHead(head.spec), sequence: sequence, batchSize: batchSize / ranks,
            microBatchSize: microBatchSize, activations: activationArguments, optimizer: runOptions.optimizerKind))
    }

    /// The memory plan of the run: with `--micro-batch-size auto` the micro-batch and activation policy that reach
    /// --batch-size fastest within the budget (--device-memory, else the device's memory); with a fixed micro-batch
    /// the cheapest allowed policy that fits (plain fp32 when no budget is given and it fits the device). With
    /// `ranks` data-parallel processes each plans for its share of the batch.
    func memoryPlan(head: TaskHeadKind, sequence: Int, device: any Device, ranks: Int = 1) throws -> MemoryPlan {
        let config = try Checkpoint.open(model).requireConfig()
        return try chooseMemoryPlan(config: config, head: PlannedHead(head.spec), sequence: sequence, batchSize: batchSize / max(ranks, 1),
                                    microBatchSize: microBatchSize, activations: activationArguments,
                                    optimizer: runOptions.optimizerKind, device: device)
    }
}

/// Prints what truncation cut from `what`, if anything, so that no text is dropped silently, and what to do about it:
/// a longer --max-seq-length where the model reads more, and --doc-stride (every task that truncates takes it; SQuAD's
/// windows leave its truncation nil).
func report(_ truncation: Truncation?, _ what: String, sequence: Int, positions: Int) {
    guard let truncation, !truncation.isEmpty else { return }
    let advice = (sequence < positions ? "raise --max-seq-length (this model reads up to \(positions) tokens) or " : "")
        + "give --doc-stride N to read long inputs as overlapping windows"
    printError("note: " + truncation.summary(what, maxSequenceLength: sequence) + "; " + advice)
}

/// Prints data warnings: a count and the first few, so a skipped row never goes unnoticed.
func report(_ warnings: [DataWarning], _ what: String) {
    guard !warnings.isEmpty else { return }
    printError("\(warnings.count) warning(s) in the \(what):")
    for warning in warnings.prefix(5) { printError("  \(warning)") }
    if warnings.count > 5 { printError("  … and \(warnings.count - 5) more") }
}
