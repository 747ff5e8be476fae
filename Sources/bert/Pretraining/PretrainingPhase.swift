import ArgumentParser
import Training

/// One phase of a pre-training run (NVIDIA's recipe: phase 1 at seq 128 with 20 predictions, phase 2 at seq 512
/// with 80): its own shards (whose header gives the sequence length and max predictions), steps, batch,
/// accumulation, learning rate and warmup. Written on the command line as
/// `--phase "train=DIR,steps=900,batch-size=256,micro-batch-size=auto,learning-rate=6e-3,warmup-steps=100"`;
/// keys left out take the run's top-level flags.
struct PretrainingPhase: Equatable {
    var train: [String]
    var steps: Int
    var batchSize: Int
    var microBatchSize: String?
    var learningRate: Float
    var warmupSteps: Int

    static let keys = ["train", "steps", "batch-size", "micro-batch-size", "learning-rate", "warmup-steps"]

    /// Parses `spec` over `defaults`; errors name the key and what was expected.
    init(parsing spec: String, defaults: PretrainingPhase) throws {
        self = defaults
        var train: [String] = []
        for item in spec.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Self.keys.contains(parts[0]) else {
                throw ValidationError("--phase '\(spec)': '\(item)' is not key=value with a key among \(Self.keys.joined(separator: ", "))")
            }
            let (key, value) = (parts[0], parts[1])
            func number<T: LosslessStringConvertible>(_: T.Type) throws -> T {
                guard let parsed = T(value) else { throw ValidationError("--phase '\(spec)': \(key) must be a number, got '\(value)'") }
                return parsed
            }
            switch key {
            case "train": train.append(value)
            case "steps": steps = try number(Int.self)
            case "batch-size": batchSize = try number(Int.self)
            case "micro-batch-size": microBatchSize = value
            case "learning-rate": learningRate = try number(Float.self)
            default: warmupSteps = try number(Int.self)
            }
        }
        if !train.isEmpty { self.train = train }
        try validate(context: "--phase '\(spec)'")
    }

    init(train: [String], steps: Int, batchSize: Int, microBatchSize: String?, learningRate: Float, warmupSteps: Int) {
        self.train = train
        self.steps = steps
        self.batchSize = batchSize
        self.microBatchSize = microBatchSize
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
    }

    func validate(context: String) throws {
        guard !train.isEmpty else { throw ValidationError("\(context): no training shards (train=DIR or --train)") }
        // The run's settings are flags; a phase's are keys of its --phase text.
        let run = context == "the run"
        func name(_ key: String) -> String {
            run ? "--" + (["steps": "num-train-steps", "warmup-steps": "num-warmup-steps"][key] ?? key) : "\(context): \(key)"
        }
        guard steps > 0 else { throw ValidationError("\(name("steps")) must be positive, got \(steps)") }
        do {
            try MicroBatchSize(microBatchSize, batchSize: max(batchSize, 1)).check(batchSize: batchSize, name: name("batch-size"))
        } catch let error as TrainingError {
            let text = error.description
            throw ValidationError(run || text.hasPrefix(context) ? text : "\(context): \(text)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("\(name("learning-rate")) must be a positive number, got \(learningRate)")
        }
        guard warmupSteps >= 0 else { throw ValidationError("\(name("warmup-steps")) must not be negative, got \(warmupSteps)") }
    }
}
