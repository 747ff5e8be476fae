import Compute
import Foundation

/// Times the encoder on a device: forward only (`inference`, the online-softmax path) or forward + backward
/// (`training`, the loss Σ last·r + Σ pooled·r as in the PyTorch reference script), with random weights and
/// ids. Reports the median of `repetitions` runs after `warmup` runs.
public struct EncoderBenchmark {
    public struct Settings: Sendable {
        public var batch: Int
        public var sequence: Int
        public var mode: EncoderMode
        public var warmup: Int
        public var repetitions: Int
        /// Dropout during the timed training steps (as in fine-tuning); inference never drops.
        public var dropout: Bool
        /// What training keeps for backward (recompute / half storage).
        public var policy: ActivationPolicy

        public init(batch: Int = 8, sequence: Int = 128, mode: EncoderMode = .training, warmup: Int = 1,
                    repetitions: Int = 5, dropout: Bool = true, policy: ActivationPolicy = .keepAll) {
            self.policy = policy
            self.batch = batch
            self.sequence = sequence
            self.mode = mode
            self.warmup = warmup
            self.repetitions = repetitions
            self.dropout = dropout
        }
    }

    public struct Result: Sendable {
        public let settings: Settings
        public let seconds: [Double]
        /// Bytes of parameters, gradients and activations: the device's peak while timing.
        public let peakBytes: Int
        public var medianSeconds: Double { seconds.sorted()[seconds.count / 2] }
        public var tokensPerSecond: Double { Double(settings.batch * settings.sequence) / medianSeconds }
        /// (max − min) / median of the timed runs.
        public var spread: Double { ((seconds.max() ?? 0) - (seconds.min() ?? 0)) / medianSeconds }
    }

    public let config: BertConfig
    public let settings: Settings

    public init(config: BertConfig, settings: Settings) {
        self.config = config
        self.settings = settings
    }

    public func run(on device: any Device) throws -> Result {
        let training = settings.mode == .training
        let parameters = try ParameterStore(config: config, heads: .encoder, device: device, training: training)
        try parameters.initialize(seed: 1)
        let shape = EncoderShape(batch: settings.batch, sequence: settings.sequence)
        let encoder = try BertEncoder(parameters: parameters, shape: shape, mode: settings.mode, policy: settings.policy)
        try device.reserveWorkspace(gemmBytes: try GEMMCensus.workspaceBytes(
            GEMMCensus.encoder(config: config, shape: shape, training: training, pooler: true),
            batches: GEMMCensus.attentionBatches(config: config, shape: shape, training: training), on: device))
        var random = SplitMix64(seed: 2)
        let tokens = shape.tokens
        try encoder.setInputs(EncoderInputs(
            ids: (0..<tokens).map { _ in Int32(truncatingIfNeeded: random.next() % UInt64(config.vocabSize)) },
            types: (0..<tokens).map { Int32(($0 % settings.sequence) < settings.sequence / 2 ? 0 : 1) },
            mask: [Int32](repeating: 1, count: tokens)))
        let gradHidden = training ? try device.upload((0..<(tokens * config.hiddenSize)).map { _ in random.nextUnitFloat() - 0.5 },
                                                      label: "benchmark ∂L/∂hidden") : nil
        let gradPooled = training ? try device.upload((0..<(settings.batch * config.hiddenSize)).map { _ in random.nextUnitFloat() - 0.5 },
                                                      label: "benchmark ∂L/∂pooled") : nil
        func step(_ index: Int) throws {
            if training {
                try parameters.zeroGradients()
                let plan = settings.dropout ? DropoutPlan(config: config, seed: 3, step: UInt64(index)) : nil
                try encoder.forward(dropout: plan)
                try encoder.backward(gradLastHidden: gradHidden, gradPooled: gradPooled)
            } else {
                try encoder.forward()
            }
            try device.synchronize()
        }
        for i in 0..<settings.warmup { try step(i) }
        var seconds: [Double] = []
        for i in 0..<max(1, settings.repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            try step(settings.warmup + i)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return Result(settings: settings, seconds: seconds, peakBytes: device.memory.peak)
    }
}
