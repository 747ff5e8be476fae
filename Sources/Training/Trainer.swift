import BERT
import Compute
import Foundation

/// How a run is evaluated: the dev features, a function from the head's outputs to metrics, and which metric
/// is the headline (plotted, printed).
public struct Evaluation {
    public var features: [Feature]
    public var metrics: ([[Float]]) throws -> [String: Double]
    public var primaryMetric: String
    /// The names `metrics` reports, when known before training (checks `--metric-for-best` before any step).
    public var metricNames: (() -> [String]?)?
    /// What of the evaluation data did not fit the sequence length (written into `eval_results.json`).
    public var truncation: Truncation?

    public init(features: [Feature], primaryMetric: String, truncation: Truncation? = nil, metricNames: (() -> [String]?)? = nil,
                metrics: @escaping ([[Float]]) throws -> [String: Double]) {
        self.features = features
        self.primaryMetric = primaryMetric
        self.metricNames = metricNames
        self.truncation = truncation
        self.metrics = metrics
    }
}

/// What a model checkpoint needs besides the weights: the configuration and the tokenizer files.
public struct ModelFiles {
    public var config: BertConfig
    public var vocabulary: VocabularyFile
    public var doLowerCase: Bool

    public init(config: BertConfig, vocabulary: VocabularyFile, doLowerCase: Bool) {
        self.config = config
        self.vocabulary = vocabulary
        self.doLowerCase = doLowerCase
    }
}

/// The result of `Trainer.train`.
public struct TrainingSummary {
    public var steps: Int
    public var finalLoss: Double
    public var evaluation: [String: Double]
    /// The head's outputs for the evaluation features at the last evaluation (for writing predictions).
    public var evaluationOutputs: [[Float]]
    public var seconds: Double
    public var modelFolder: String
    /// What the run's steps computed (all ranks): examples, real and computed tokens.
    public var throughput: Throughput
}

/// The fine-tuning loop: effective batches of `batchSize` drawn from a seeded shuffle of the training features,
/// each split into micro-batches whose gradients accumulate (exactly the large batch: one loss scale
/// 1 / (loss terms of the effective batch) for all of them), the global gradient norm checked for NaN/Inf
/// before every update, clipping + AdamW on the device, BERT's warmup-then-linear-decay rate, metrics,
/// evaluation, and atomic checkpoints that resume bit-for-bit.
///
/// With a `DataParallel` group of N processes (Trainer+DataParallel.swift) every rank walks the same global batch
/// order, runs its shard r·(B/N) ..< (r+1)·(B/N) of each batch under the global batch's loss scale, and the
/// gradients are summed over ranks before the (identical) update: N ranks × micro-batch b train as one process
/// accumulating the same micro-batches. Rank 0 alone writes checkpoints, metrics and plots and evaluates.
public final class Trainer {
    public let encoder: BertEncoder
    public let head: TaskHead
    public let config: TrainerConfig
    public let files: ModelFiles
    public let optimizer: any TrainingOptimizer
    /// The data-parallel group; nil = a single process.
    public let parallel: (any DataParallel)?
    var device: any Device { encoder.device }
    var parameters: ParameterStore { encoder.parameters }
    /// The best evaluation so far and the patience count, when `config.best` is set (saved in checkpoints).
    var bestTracker: BestTracker?
    /// Why the run stopped before its last step, when early stopping stopped it.
    var stopReason: String?

    /// `parallel`: the ranks training together (nil = this process alone); `config.batchSize` is then the global
    /// batch and must be a multiple of ranks × micro-batch.
    public init(encoder: BertEncoder, head: TaskHead, config: TrainerConfig, files: ModelFiles,
                parallel: (any DataParallel)? = nil) throws {
        try config.validate()
        try MicroBatchSize.fixed(config.microBatchSize).check(batchSize: config.batchSize, ranks: parallel?.size ?? 1)
        self.parallel = parallel
        guard encoder.capacity.batch == config.microBatchSize, encoder.mode == .training else {
            throw TrainingError.invalidSetting("the encoder must be a training encoder for micro-batches of \(config.microBatchSize)")
        }
        self.encoder = encoder
        self.head = head
        self.config = config
        self.files = files
        optimizer = try makeOptimizer(kind: config.optimizer, parameters: encoder.parameters,
                                      weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm)
        // The GEMM temporary buffer and kernel scratch, reserved now as the memory plan counts them, so no
        // step allocates.
        try encoder.device.reserveWorkspace(gemmBytes: try MemoryPlan.gemmWorkspaceBytes(
            config: encoder.parameters.config, head: head.plannedHead, shape: encoder.capacity, training: true, device: encoder.device))
    }

    /// Total optimizer steps for `count` training features: `config.maxSteps` when set (Google's
    /// run_pretraining num_train_steps), else ⌊count / batch · epochs⌋, as Google's run_classifier.
    public func totalSteps(featureCount count: Int) -> Int {
        if let maxSteps = config.maxSteps { return maxSteps }
        return max(1, Int((Double(count) / Double(config.batchSize) * config.epochs).rounded(.down)))
    }

    /// The order of the training stream over `count` features (shuffled per epoch; length-grouped when
    /// `config.groupByLength`).
    func trainingOrder(count: Int) -> TrainingOrder {
        TrainingOrder(count: count, seed: config.seed, groupedBatchSize: config.groupByLength ? config.batchSize : nil)
    }

    /// Trains on `features`; with `resume`, continues from that checkpoint folder (weights, moments, step,
    /// data position and dropout stream are restored, so the loss curve continues as if uninterrupted).
    /// `truncation` (what of the training data did not fit) goes into `metrics.jsonl` with the evaluation's.
    @discardableResult
    public func train(_ features: some FeatureSource, truncation: Truncation? = nil, evaluation: Evaluation?,
                      resume: String? = nil) throws -> TrainingSummary {
        guard features.count > 0 else { throw TrainingError.data("no training examples") }
        let output = config.outputDirectory
        if isRoot { try Folders.create(output + "/checkpoints") }
        let total = totalSteps(featureCount: features.count)
        var schedule = LearningRateSchedule(baseRate: config.learningRate, totalSteps: total,
                                            warmupProportion: config.warmupProportion)
        if let warmup = config.warmupSteps { schedule.warmupSteps = warmup }
        var step = 0
        if let resume { step = try restore(from: resume) }
        let evalEvery = try evaluationSchedule(evaluation: evaluation, featureCount: features.count)
        try startTrackingBest(evaluation: evaluation, resume: resume)
        try broadcastWeights()
        let log = isRoot ? try MetricsLog(directory: output, resumedStep: resume == nil ? nil : step) : nil
        if resume == nil { try log?.logData(training: truncation, evaluation: evaluation?.truncation) }
        let progress = isRoot ? ProgressReporter(total: total, logEvery: config.logEvery, startStep: step) : nil
        if let resume { progress?.note("resumed from \(resume) at step \(step) of \(total)") }
        let start = Date()
        var order = trainingOrder(count: features.count)
        var throughput = Throughput()
        var lastLoss = Double.nan, lastCheckpoint: String? = resume
        var evaluationResult: [String: Double] = [:]
        var evaluationOutputs: [[Float]] = []

        // A run resumed from the checkpoint at which early stopping stopped it goes straight to its final writes,
        // with that step's evaluation made again (the same outputs and metrics) for eval_results.json.
        var stopped = false
        if resume != nil, try shouldStopEarly(total: total, step: step) {
            stopped = true
            if let evaluation, isRoot { (evaluationOutputs, evaluationResult) = try evaluate(evaluation) }
        }
        while !stopped, step < total {
            let stepStart = Date()
            let batch = try (0..<config.batchSize).map {
                try features.feature(at: order.feature(at: step * config.batchSize + $0, length: features.length(at:)))
            }
            let result = try optimizerStep(batch, step: step, schedule: schedule, checkpoint: lastCheckpoint)
            step += 1
            lastLoss = result.loss
            var done = result.throughput
            done.seconds = Date().timeIntervalSince(stepStart)
            throughput.add(done)
            var metrics = try globalStepMetrics()
            if ranks > 1 { metrics["allreduce_seconds"] = result.reduceSeconds }
            try log?.logStep(step, epoch: Double(step * config.batchSize) / Double(features.count), loss: result.loss,
                            learningRate: result.rate, gradNorm: result.norm, throughput: done, devicePeak: device.memory.peak,
                            metrics: metrics)
            progress?.update(step: step, loss: result.loss, learningRate: result.rate, throughput: done, metrics: metrics)

            var last = step == total
            let evaluates = evaluation != nil && (last || evalEvery.map { step % $0 == 0 } == true)
            // Rank 0 evaluates alone; the others wait at the barrier.
            if let evaluation, evaluates, isRoot {
                (evaluationOutputs, evaluationResult) = try evaluate(evaluation)
                try log?.logEvaluation(step, metrics: evaluationResult, primary: evaluation.primaryMetric)
                progress?.note("step \(step): " + evaluationResult.sorted { $0.key < $1.key }
                    .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
                try recordBest(evaluationResult, step: step, log: log, progress: progress, previous: lastCheckpoint)
            }
            if evaluates {
                try barrier()
                if try shouldStopEarly(total: total, step: step) {
                    last = true
                    if isRoot, let stopReason { progress?.note(stopReason); try log?.logStop(step, reason: stopReason, best: bestTracker) }
                }
            }
            if last { break }
            if config.checkpointEvery.map({ step % $0 == 0 }) == true {
                let previous = lastCheckpoint
                lastCheckpoint = "\(output)/checkpoints/" + String(format: "step-%06d", step)
                if isRoot {
                    lastCheckpoint = try saveCheckpoint(step: step, previous: previous)
                    progress?.note("checkpoint: \(lastCheckpoint!)")
                }
            }
        }
        let modelFolder = output + "/model"
        if isRoot {
            try log?.writePlot(bestStep: bestTracker?.bestStep)
            // The model comes last: a folder with a model is a finished run.
            if !evaluationResult.isEmpty { try writeEvaluationResults(evaluationResult, truncation: evaluation?.truncation, to: output + "/eval_results.json") }
            lastCheckpoint = try saveCheckpoint(step: step, previous: lastCheckpoint)
            try writing("the model", previous: lastCheckpoint) {
                if config.best?.loadBestAtEnd == true, bestTracker?.bestStep != nil {
                    try FolderCopy.copy(bestFolder, to: modelFolder)
                } else {
                    try writeModel(to: modelFolder, trainingState: try trainingState(step: step))
                }
            }
        }
        try barrier()
        return TrainingSummary(steps: step, finalLoss: lastLoss, evaluation: evaluationResult,
                               evaluationOutputs: evaluationOutputs, seconds: Date().timeIntervalSince(start),
                               modelFolder: modelFolder, throughput: throughput)
    }

    /// The model's outputs for the evaluation features and their metrics.
    func evaluate(_ evaluation: Evaluation) throws -> (outputs: [[Float]], metrics: [String: Double]) {
        let outputs = try predict(evaluation.features)
        return (outputs, try evaluation.metrics(outputs))
    }

    /// One optimizer step on an effective batch: gradients of its micro-batches accumulated under one loss scale,
    /// the loss and global norm checked for NaN/Inf, then the update at the schedule's rate for `step`. With data
    /// parallelism this rank runs only its shard of `batch` (the global batch) and the gradients, loss and token
    /// counts are summed over ranks before the norm; `reduceSeconds` is the time of the gradient all-reduce.
    /// Each micro-batch runs at its own length (`config.batchLength`).
    func optimizerStep(_ batch: [Feature], step: Int, schedule: LearningRateSchedule, checkpoint: String?) throws
        -> (loss: Double, norm: Float, rate: Float, throughput: Throughput, reduceSeconds: Double) {
        let micro = config.microBatchSize
        let terms = batch.reduce(Float(0)) { $0 + head.lossWeight($1) }
        let scale: Float = terms > 0 ? 1 / terms : 0
        try parameters.zeroGradients()
        try head.resetLoss()
        try head.prepareStep(batch)
        var tokens = 0, computed = 0
        let shard = shard(ofBatch: batch.count), capacity = encoder.capacity.sequence
        for first in stride(from: shard.lowerBound, to: shard.upperBound, by: micro) {
            let length = config.batchLength.length(of: batch[first..<(first + micro)], capacity: capacity)
            let rows = batch[first..<(first + micro)].map { $0.truncated(to: length) }
            tokens += rows.reduce(0) { $0 + $1.tokenCount }
            computed += micro * length
            // Micro-batch m of the global batch has the same dropout stream whichever rank runs it.
            let m = first / micro
            let plan = config.dropout ? DropoutPlan(config: parameters.config, seed: config.seed,
                                                    step: UInt64(step) << 10 | UInt64(m)) : nil
            try run(rows, length: length, dropout: plan, scale: scale)
        }
        let reduceSeconds = try allReduceGradients()
        let totals = try allReduce([Double(try device.readFloats(head.lossTotal)[0]), Double(tokens), Double(computed)])
        let throughput = Throughput(samples: batch.count, tokens: Int(totals[1]), computedTokens: Int(totals[2]),
                                    fullLengthTokens: batch.count * capacity)
        let loss = totals[0] * Double(scale)
        let norm = try optimizer.globalNorm()
        guard loss.isFinite, norm.isFinite else {
            throw TrainingError.nonFinite(step: step + 1, what: try firstNonFinite(loss: loss), checkpoint: checkpoint)
        }
        let rate = schedule.rate(at: step)
        try optimizer.update(learningRate: rate, step: step + 1)
        return (loss, norm, rate, throughput, reduceSeconds)
    }

    /// Forward, loss and backward of one micro-batch whose rows are `length` tokens long.
    private func run(_ rows: [Feature], length: Int, dropout: DropoutPlan?, scale: Float) throws {
        try encoder.setInputs(EncoderInputs(ids: rows.flatMap(\.ids), types: rows.flatMap(\.types), mask: rows.flatMap(\.mask)),
                              shape: EncoderShape(batch: rows.count, sequence: length))
        try head.setTargets(rows)
        try encoder.forward(dropout: dropout)
        try head.forward(dropout: dropout)
        try encoder.backward(try head.backward(scale: scale))
    }

    /// The head's outputs for every feature (no dropout, no gradients kept), in order.
    public func predict(_ features: [Feature]) throws -> [[Float]] {
        try FeaturePredictor(encoder: encoder, head: head, batchLength: config.batchLength).predict(features)
    }

    /// Names the first tensor whose gradient is not finite (or the loss).
    private func firstNonFinite(loss: Double) throws -> String {
        if !loss.isFinite { return "the loss (\(loss))" }
        for spec in parameters.specs where try device.readFloats(try parameters.gradient(spec.name)).contains(where: { !$0.isFinite }) {
            return "the gradient of \(spec.name)"
        }
        return "the global gradient norm"
    }
}
