import BERT
import Compute
import Training

/// One fine-tuning step of a model with a two-class sequence classifier, as the trainer runs it
/// (Trainer.optimizerStep): zero gradients, encoder and head forward with dropout, the fused cross-entropy and
/// backward through head and encoder, the global gradient norm and the fused clip + AdamW update.
///
/// Creating it allocates everything (parameters, gradients, moments, activations) and reserves the GEMM
/// workspace, so its steps allocate nothing. Inputs are random ids of a full-length batch.
final class TrainingStep {
    let config: BertConfig
    let shape: EncoderShape
    let parameters: ParameterStore
    let encoder: BertEncoder
    let head: SequenceClassifierHead
    let optimizer: AdamWOptimizer

    init(_ run: ModelRun, device: any Device) throws {
        let (config, batch, sequence) = (run.config, run.batch, run.sequence)
        self.config = config
        shape = run.shape
        parameters = try ParameterStore(config: config, heads: .classifier(labels: 2), device: device, training: true)
        try parameters.initialize(seed: 1)
        encoder = try BertEncoder(parameters: parameters, shape: shape, mode: .training, output: .classToken)
        head = try SequenceClassifierHead(encoder: encoder, objective: .classification(labels: 2))
        optimizer = try AdamWOptimizer(parameters: parameters)
        try device.reserveWorkspace(gemmBytes: try MemoryPlan.gemmWorkspaceBytes(
            config: config, head: head.plannedHead, shape: shape, training: true, device: device))
        var random = SplitMix64(seed: 2)
        let tokens = shape.tokens
        try encoder.setInputs(EncoderInputs(
            ids: (0..<tokens).map { _ in Int32(truncatingIfNeeded: random.next() % UInt64(config.vocabSize)) },
            types: (0..<tokens).map { Int32(($0 % sequence) < sequence / 2 ? 0 : 1) },
            mask: [Int32](repeating: 1, count: tokens)))
        try head.setTargets(labels: (0..<batch).map { Int32($0 % 2) })
    }

    /// The phases of step `index` (its dropout masks depend on the index, as in training).
    func phases(_ index: Int) -> [TracePhase] {
        let plan = DropoutPlan(config: config, seed: 3, step: UInt64(index) << 10)
        let scale = 1 / Float(shape.batch)
        return [
            TracePhase("forward") { [self] in
                try parameters.zeroGradients()
                try head.resetLoss()
                try encoder.forward(dropout: plan)
                try head.forward(dropout: plan)
            },
            TracePhase("backward") { [self] in try encoder.backward(try head.backward(scale: scale)) },
            TracePhase("optimizer") { [self] in
                _ = try encoder.device.readFloats(head.lossTotal)
                _ = try optimizer.globalNorm()
                try optimizer.update(learningRate: 2e-5, step: index + 1)
            },
        ]
    }

    /// Runs step `index` outside a tracer.
    func run(_ index: Int) throws {
        for phase in phases(index) { try phase.body() }
    }
}
