import BERT
import Compute
import Foundation

/// How a run is evaluated: the dev features, a function from the head's outputs to metrics, and which metric
/// is the headline (plotted, printed).
public struct Evaluation {
    public var features: [Feature]
    public var metrics: ([[Float]]) throws -> [String: Double]
    public var primaryMetric: String

    public init(features: [Feature], primaryMetric: String, metrics: @escaping ([[Float]]) throws -> [String: Double]) {
        self.features = features
        self.primaryMetric = primaryMetric
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
}

/// The fine-tuning loop: effective batches of `batchSize` drawn from a seeded shuffle of the training features,
/// each split into micro-batches whose gradients accumulate (exactly the large batch: one loss scale
/// 1 / (loss terms of the effective batch) for all of them), the global gradient norm checked for NaN/Inf
/// before every update, clipping + AdamW on the device, BERT's warmup-then-linear-decay rate, metrics,
/// evaluation, and atomic checkpoints that resume bit-for-bit.
public final class Trainer {
    public let encoder: BertEncoder
    public let head: TaskHead
    public let config: TrainerConfig
    public let files: ModelFiles
    public let optimizer: any TrainingOptimizer
    var device: any Device { encoder.device }
    var parameters: ParameterStore { encoder.parameters }

    public init(encoder: BertEncoder, head: TaskHead, config: TrainerConfig, files: ModelFiles) throws {
        try config.validate()
        guard encoder.shape.batch == config.microBatchSize, encoder.mode == .training else {
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
            config: encoder.parameters.config, head: head.plannedHead, shape: encoder.shape, training: true, device: encoder.device))
    }

    /// Total optimizer steps for `count` training features: `config.maxSteps` when set (Google's
    /// run_pretraining num_train_steps), else ⌊count / batch · epochs⌋, as Google's run_classifier.
    public func totalSteps(featureCount count: Int) -> Int {
        if let maxSteps = config.maxSteps { return maxSteps }
        return max(1, Int((Double(count) / Double(config.batchSize) * config.epochs).rounded(.down)))
    }

    /// The feature index at stream position `position`: epoch e = position / count is a seeded shuffle of all
    /// features (`EpochOrder`), and the stream runs through epochs without a break (TF's repeat + batch, drop
    /// remainder).
    func featureIndex(at position: Int, count: Int, permutations: inout [Int: EpochOrder]) -> Int {
        let epoch = position / count
        if permutations[epoch] == nil {
            permutations = [epoch: EpochOrder(count: count, seed: config.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)]
        }
        return permutations[epoch]![position % count]
    }

    /// Trains on `features`; with `resume`, continues from that checkpoint folder (weights, moments, step,
    /// data position and dropout stream are restored, so the loss curve continues as if uninterrupted).
    @discardableResult
    public func train(_ features: some FeatureSource, evaluation: Evaluation?, resume: String? = nil) throws -> TrainingSummary {
        guard features.count > 0 else { throw TrainingError.data("no training examples") }
        let output = config.outputDirectory
        try FileManager.default.createDirectory(atPath: output + "/checkpoints", withIntermediateDirectories: true)
        let total = totalSteps(featureCount: features.count)
        var schedule = LearningRateSchedule(baseRate: config.learningRate, totalSteps: total,
                                            warmupProportion: config.warmupProportion)
        if let warmup = config.warmupSteps { schedule.warmupSteps = warmup }
        var step = 0
        if let resume { step = try restore(from: resume) }
        let log = try MetricsLog(directory: output, resumedStep: resume == nil ? nil : step)
        let progress = ProgressReporter(total: total, logEvery: config.logEvery, startStep: step)
        let start = Date()
        var permutations: [Int: EpochOrder] = [:]
        var lastLoss = Double.nan, lastCheckpoint: String? = resume
        var evaluationResult: [String: Double] = [:]
        var evaluationOutputs: [[Float]] = []

        while step < total {
            let stepStart = Date()
            let batch = try (0..<config.batchSize).map {
                try features.feature(at: featureIndex(at: step * config.batchSize + $0, count: features.count,
                                                      permutations: &permutations))
            }
            let (loss, norm, rate, tokens) = try optimizerStep(batch, step: step, schedule: schedule, checkpoint: lastCheckpoint)
            step += 1
            lastLoss = loss
            let tokensPerSecond = Double(tokens) / Date().timeIntervalSince(stepStart)
            let metrics = try head.stepMetrics()
            try log.logStep(step, epoch: Double(step * config.batchSize) / Double(features.count), loss: loss,
                            learningRate: rate, gradNorm: norm, tokensPerSecond: tokensPerSecond, devicePeak: device.memory.peak,
                            metrics: metrics)
            progress.update(step: step, loss: loss, learningRate: rate, tokensPerSecond: tokensPerSecond, metrics: metrics)

            let last = step == total
            if let evaluation, last || config.evalEvery.map({ step % $0 == 0 }) == true {
                evaluationOutputs = try predict(evaluation.features)
                evaluationResult = try evaluation.metrics(evaluationOutputs)
                try log.logEvaluation(step, metrics: evaluationResult, primary: evaluation.primaryMetric)
                progress.note("step \(step): " + evaluationResult.sorted { $0.key < $1.key }
                    .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
            }
            if !last, config.checkpointEvery.map({ step % $0 == 0 }) == true {
                lastCheckpoint = try saveCheckpoint(step: step)
                progress.note("checkpoint: \(lastCheckpoint!)")
            }
        }
        try log.writePlot()
        lastCheckpoint = try saveCheckpoint(step: step)
        let modelFolder = output + "/model"
        try writeModel(to: modelFolder, trainingState: try trainingState(step: step))
        if !evaluationResult.isEmpty {
            let data = try JSONSerialization.data(withJSONObject: evaluationResult, options: [.sortedKeys, .prettyPrinted])
            try AtomicFile.write(data + Data("\n".utf8), to: output + "/eval_results.json")
        }
        return TrainingSummary(steps: step, finalLoss: lastLoss, evaluation: evaluationResult,
                               evaluationOutputs: evaluationOutputs, seconds: Date().timeIntervalSince(start),
                               modelFolder: modelFolder)
    }

    /// One optimizer step on an effective batch: gradients of its micro-batches accumulated under one loss scale,
    /// the loss and global norm checked for NaN/Inf, then the update at the schedule's rate for `step`.
    func optimizerStep(_ batch: [Feature], step: Int, schedule: LearningRateSchedule, checkpoint: String?) throws
        -> (loss: Double, norm: Float, rate: Float, tokens: Int) {
        let micro = config.microBatchSize
        let terms = batch.reduce(0) { $0 + head.lossTerms($1) }
        let scale: Float = terms > 0 ? 1 / Float(terms) : 0
        try parameters.zeroGradients()
        try head.resetLoss()
        try head.prepareStep(batch)
        var tokens = 0
        for m in 0..<(config.batchSize / micro) {
            let rows = Array(batch[(m * micro)..<((m + 1) * micro)])
            tokens += rows.reduce(0) { $0 + $1.tokenCount }
            let plan = config.dropout ? DropoutPlan(config: parameters.config, seed: config.seed,
                                                    step: UInt64(step) << 10 | UInt64(m)) : nil
            try run(rows, isPadding: [Bool](repeating: false, count: micro), dropout: plan, scale: scale)
        }
        let loss = Double(try device.readFloats(head.lossTotal)[0]) * Double(scale)
        let norm = try optimizer.globalNorm()
        guard loss.isFinite, norm.isFinite else {
            throw TrainingError.nonFinite(step: step + 1, what: try firstNonFinite(loss: loss), checkpoint: checkpoint)
        }
        let rate = schedule.rate(at: step)
        try optimizer.update(learningRate: rate, step: step + 1)
        return (loss, norm, rate, tokens)
    }

    /// Forward, loss and backward of one micro-batch (padded to the micro-batch size).
    private func run(_ rows: [Feature], isPadding: [Bool], dropout: DropoutPlan?, scale: Float) throws {
        try encoder.setInputs(EncoderInputs(ids: rows.flatMap(\.ids), types: rows.flatMap(\.types), mask: rows.flatMap(\.mask)))
        try head.setTargets(rows, isPadding: isPadding)
        try encoder.forward(dropout: dropout)
        try head.forward(dropout: dropout)
        try head.backward(scale: scale)
    }

    /// The head's outputs for every feature (no dropout, no gradients kept), in order.
    public func predict(_ features: [Feature]) throws -> [[Float]] {
        try FeaturePredictor(encoder: encoder, head: head).predict(features)
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
