import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Training

/// `bert pretrain`: masked LM + next-sentence pre-training on shards from `bert create-pretraining-data`, from
/// scratch (`--config`) or continuing a checkpoint (`--init-checkpoint`, fresh heads where it has none), in one
/// or more phases; `--eval` only reports held-out MLM and NSP accuracy.
struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pre-train BERT (masked LM + next sentence) on shards from create-pretraining-data.",
        discussion: """
            Examples:
              bert pretrain --config tiny --vocab vocab.txt --train data/train --eval-data data/heldout \\
                  --output runs/tiny --num-train-steps 2000 --batch-size 64 --learning-rate 1e-3
              bert pretrain --init-checkpoint model --train d128 --output runs/p --optimizer lamb \\
                  --phase "train=d128,steps=900,batch-size=256" --phase "train=d512,steps=100,batch-size=64"
              bert pretrain --eval --init-checkpoint runs/tiny/model --eval-data data/heldout
            """)

    @Option(name: .long, help: "Model folder to continue from (HF folder or Google checkpoint); heads it lacks start fresh.")
    var initCheckpoint: String?

    @Option(name: .long, help: "Architecture to train from scratch: tiny, mini, small, medium, base, large, or a config.json / folder.")
    var config: String?

    @Option(name: .long, help: "vocab.txt for a model trained from scratch (default: the --init-checkpoint's).")
    var vocab: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "For --config runs: the vocabulary is uncased (written to the model's tokenizer config).")
    var doLowerCase = true

    @Option(name: .long, help: "Training shards: files, folders of *.sbpt or globs (repeatable).")
    var train: [String] = []

    @Option(name: .long, help: "Held-out shards for evaluation (repeatable).")
    var evalData: [String] = []

    @Option(name: .long, parsing: .unconditional, help: "Held-out instances evaluated (the first N).")
    var maxEvalInstances: Int = 2000

    @Option(name: .long, help: "Output folder: checkpoints/, model/, metrics.jsonl, training.svg, eval_results.json (phase-N/ each with --phase).")
    var output: String?

    @Option(name: .long, parsing: .unconditional, help: "Optimizer steps (Google's num_train_steps).")
    var numTrainSteps: Int = 1000

    @Option(name: .long, parsing: .unconditional, help: "Linear warmup steps (Google's num_warmup_steps).")
    var numWarmupSteps: Int = 100

    @Option(name: .long, parsing: .unconditional, help: "Instances per optimizer step (the effective batch).")
    var batchSize: Int = 32

    @Option(name: .long, help: "Instances per forward/backward, or auto: the largest that fits --device-memory by the memory plan.")
    var microBatchSize: String?

    @Option(name: .long, parsing: .unconditional, help: "Peak learning rate.")
    var learningRate: Float = 1e-4

    @Option(name: .long, help: "One phase: \"train=DIR,steps=N,batch-size=B,micro-batch-size=M|auto,learning-rate=R,warmup-steps=W\" (repeatable; keys left out take the flags above).")
    var phase: [String] = []

    @Flag(name: .long, help: "Only evaluate --init-checkpoint on --eval-data (masked LM and next-sentence accuracy).")
    var eval = false

    @OptionGroup var runOptions: RunArguments

    @OptionGroup var deviceArguments: DeviceArguments

    @OptionGroup var activationArguments: ActivationArguments

    @OptionGroup var lengthArguments: BatchLengthArguments

    func validate() throws {
        guard (initCheckpoint == nil) != (config == nil) else {
            throw ValidationError("give exactly one of --init-checkpoint (continue a model) and --config (train from scratch)")
        }
        guard maxEvalInstances > 0 else { throw ValidationError("--max-eval-instances must be positive") }
        if eval {
            guard initCheckpoint != nil, !evalData.isEmpty else { throw ValidationError("--eval needs --init-checkpoint and --eval-data") }
            return
        }
        guard output != nil else { throw ValidationError("--output is required for training") }
        _ = try phases()
    }

    /// The phases of the run: the --phase specs over the top-level flags, or one phase of the flags.
    func phases() throws -> [PretrainingPhase] {
        let defaults = PretrainingPhase(train: train, steps: numTrainSteps, batchSize: batchSize, microBatchSize: microBatchSize,
                                        learningRate: learningRate, warmupSteps: numWarmupSteps)
        if phase.isEmpty {
            try defaults.validate(context: "the run")
            return [defaults]
        }
        return try phase.map { try PretrainingPhase(parsing: $0, defaults: defaults) }
    }

    func run() throws {
        if !eval, let output { try claimOutput(output, command: "bert pretrain") }
        try DistributedRun.run { world in try run(parallel: world) }
    }

    /// Evaluates or trains in one process (`parallel` nil) or as one rank of a data-parallel group.
    private func run(parallel: (any DataParallel)?) throws {
        let definition = try PretrainingModel.Definition(initCheckpoint: initCheckpoint, config: config, vocab: vocab,
                                                         doLowerCase: doLowerCase)
        let device = try deviceArguments.open(training: !eval, fits: eval ? nil : try phasesFit(definition, ranks: parallel?.size ?? 1))
        let model = try PretrainingModel(definition, device: device, seed: runOptions.seed, training: !eval)
        if !model.initialized.isEmpty {
            printError("new weights: \(model.initialized.count == model.parameters.specs.count ? "all (from scratch)" : model.initialized.joined(separator: ", ")) (seed \(runOptions.seed))")
        }
        let heldOut = try evalData.isEmpty ? nil : PretrainingDataset(paths: evalData)
        if eval {
            guard let heldOut else { return }
            try evaluate(model, on: heldOut, device: device)
            return
        }
        let phases = try phases()
        let folders = phases.indices.map { phases.count == 1 ? output! : output! + "/phase-\($0 + 1)" }
        // --resume names a checkpoint of one phase (its folder is part of the path); earlier phases are complete.
        let resumePhase = try runOptions.resume.map { path -> Int in
            guard let index = phases.count == 1 ? 0 : folders.lastIndex(where: { path.hasPrefix($0 + "/") }) else {
                throw ValidationError("--resume \(path) is in none of this run's phase folders (\(folders.joined(separator: ", ")))")
            }
            for earlier in 0..<index where (try PretrainingModel.finishedStep(folder: folders[earlier]) ?? 0) < phases[earlier].steps {
                throw ValidationError("--resume \(path) continues phase \(index + 1), but phase \(earlier + 1) has no finished model in \(folders[earlier])/model")
            }
            return index
        }
        for (index, phase) in phases.enumerated() {
            try runPhase(phase, number: index + 1, of: phases.count, folder: folders[index], model: model, heldOut: heldOut,
                         resume: index == resumePhase ? runOptions.resume : nil, device: device, parallel: parallel)
        }
    }

    /// Under `--device auto`, a GPU is used only if every phase's memory plan fits it.
    private func phasesFit(_ definition: PretrainingModel.Definition, ranks: Int) throws -> DeviceFit {
        let checks = try phases().map { phase -> DeviceFit in
            let data = try PretrainingDataset(paths: phase.train)
            return memoryFit(config: definition.config, head: .pretraining(predictions: data.maxPredictions),
                                  sequence: data.maxSeqLength, batchSize: phase.batchSize / max(ranks, 1),
                                  microBatchSize: phase.microBatchSize, activations: activationArguments,
                                  optimizer: runOptions.optimizerKind)
        }
        return { device in try checks.lazy.compactMap { try $0(device) }.first }
    }

    private func runPhase(_ phase: PretrainingPhase, number: Int, of count: Int, folder: String, model: PretrainingModel,
                          heldOut: PretrainingDataset?, resume: String?, device: any Device,
                          parallel: (any DataParallel)?) throws {
        let ranks = parallel?.size ?? 1
        guard phase.batchSize % ranks == 0 else {
            throw ValidationError("phase \(number): the batch size (\(phase.batchSize)) must be a multiple of the \(ranks) MPI ranks")
        }
        let data = try PretrainingDataset(paths: phase.train)
        try model.check(data, what: "training shards")
        if let heldOut {
            try model.check(heldOut, what: "held-out shards")
            guard heldOut.maxSeqLength <= data.maxSeqLength, heldOut.maxPredictions <= data.maxPredictions else {
                throw ValidationError("the held-out shards (seq \(heldOut.maxSeqLength), \(heldOut.maxPredictions) predictions) must not exceed the training shards' (seq \(data.maxSeqLength), \(data.maxPredictions))")
            }
        }
        if let done = try PretrainingModel.finishedStep(folder: folder), done >= phase.steps {
            printError("phase \(number)/\(count): \(folder)/model already has \(done) steps; loading it and moving on")
            try model.parameters.load(from: try Checkpoint.open(folder + "/model"))
            return
        }
        let plan = try chooseMemoryPlan(config: model.config, head: .pretraining(predictions: data.maxPredictions),
                                        sequence: data.maxSeqLength, batchSize: phase.batchSize / ranks,
                                        microBatchSize: phase.microBatchSize, activations: activationArguments,
                                        optimizer: runOptions.optimizerKind, device: device)
        let encoder = try BertEncoder(parameters: model.parameters, shape: EncoderShape(batch: plan.microBatch, sequence: data.maxSeqLength),
                                      mode: .training, policy: plan.policy)
        let head = try PretrainingHead(encoder: encoder, maxPredictions: data.maxPredictions)
        let trainer = try Trainer(encoder: encoder, head: head, config: trainerConfig(phase, microBatch: plan.microBatch, folder: folder),
                                  files: model.files, parallel: parallel)
        let evaluation = try heldOut.map {
            Evaluation(features: try PretrainingFeatures($0).features(limit: maxEvalInstances).map { $0.padded(to: data.maxSeqLength) },
                       primaryMetric: "mlm_accuracy", metrics: PretrainingMetrics.compute)
        }
        printError("phase \(number)/\(count): \(data.count) instances (seq \(data.maxSeqLength), ≤ \(data.maxPredictions) predictions), "
                   + "\(phase.steps) steps of \(phase.batchSize) (micro-batches of \(plan.microBatch)), \(runOptions.optimizer), "
                   + "lr \(phase.learningRate), warmup \(phase.warmupSteps)")
        let summary = try trainer.train(PretrainingFeatures(data), evaluation: evaluation, resume: resume)
        printError(String(format: "phase %d: %d steps in %.0f s; final loss %.4f; model in %@", number, summary.steps,
                          summary.seconds, summary.finalLoss, summary.modelFolder))
        printMetrics(summary.evaluation)
    }

    private func trainerConfig(_ phase: PretrainingPhase, microBatch: Int, folder: String) -> TrainerConfig {
        var config = TrainerConfig(outputDirectory: folder)
        config.batchSize = phase.batchSize
        config.microBatchSize = microBatch
        config.maxSteps = phase.steps
        config.warmupSteps = phase.warmupSteps
        config.learningRate = phase.learningRate
        runOptions.apply(to: &config)
        // Grouping is opt-in: most instances fill max_seq_length (the short_seq_prob ones and documents' last
        // instances then run at their own length).
        lengthArguments.apply(to: &config, groupByDefault: false)
        return config
    }

    /// Held-out masked LM / next-sentence loss and accuracy of the model as it is, and the best constant
    /// predictions' accuracies on the same data (the unigram baseline, the next-sentence majority label).
    private func evaluate(_ model: PretrainingModel, on data: PretrainingDataset, device: any Device) throws {
        try model.check(data, what: "held-out shards")
        let features = try PretrainingFeatures(data).features(limit: maxEvalInstances)
        let micro = max(1, min(fixedMicroBatch ?? 32, features.count))
        let encoder = try BertEncoder(parameters: model.parameters, shape: EncoderShape(batch: micro, sequence: data.maxSeqLength),
                                      mode: .inference)
        let head = try PretrainingHead(encoder: encoder, maxPredictions: data.maxPredictions)
        let metrics = PretrainingMetrics.compute(try FeaturePredictor(encoder: encoder, head: head).predict(features))
        printMetrics(metrics.merging(["unigram_baseline_accuracy": PretrainingMetrics.constantBaseline(features),
                                      "nsp_majority_baseline_accuracy": PretrainingMetrics.nextSentenceMajority(features)]) { $1 })
    }

    private var fixedMicroBatch: Int? { (try? MicroBatchSize(microBatchSize, batchSize: batchSize))?.fixed }

    private func printMetrics(_ metrics: [String: Double]) {
        guard !metrics.isEmpty else { return }
        print(metrics.sorted { $0.key < $1.key }.map { "\($0.key) = \(String(format: "%.4f", $0.value))" }.joined(separator: "\n"))
    }
}
