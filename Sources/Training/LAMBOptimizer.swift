import BERT
import Compute

/// LAMB (NVIDIA's BERT pre-training optimizer, Google's ALBERT `lamb_optimizer`) over a model's parameter arena,
/// per parameter tensor (the fused Q/K/V weights count as three):
///
///     g = clip · grad;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)
///     u = m̂/(√v̂ + ε) + wd·p;  r = ‖p‖/‖u‖ (1 if either is 0);  p −= lr · r · u
///
/// with β1 0.9, β2 0.999, ε 1e-6 and bias correction (NVIDIA's). LayerNorm parameters and biases get neither
/// weight decay nor layer adaptation (r = 1), as in both references. Each arena chunk is one multi-tensor step
/// (`Device.lamb`: three launches); the gradients hold u afterwards (they are zeroed before the next step).
///
/// State: the moments (arenas of the parameters' layout, checkpoint slots `lamb_m`, `lamb_v` — distinct from
/// AdamW's `adam_m`, `adam_v`, so resuming with the other optimizer fails by name instead of silently reusing
/// moments of a different meaning), the gradient norm² (one float), and the chunk tables, partial sums and trust
/// ratios (`extraStateBytes`), all allocated once at init.
public final class LAMBOptimizer: TrainingOptimizer {
    /// The model's parameters (created for training).
    public let parameters: ParameterStore
    /// Decoupled weight decay of the tensors that take it.
    public let weightDecay: Float
    /// Global gradient-norm clip (0 = off).
    public let maxGradNorm: Float
    /// Moment decay rates and the denominator's ε.
    public let beta1: Float, beta2: Float, epsilon: Float
    /// Divide m and v by 1 − βᵗ (NVIDIA's LAMB).
    public let biasCorrection: Bool
    /// One layout per arena chunk that holds parameters (usually one).
    public let layouts: [LAMBLayout]
    let moments: OptimizerMoments
    /// The device tables of `layouts`, in order.
    let tables: [LAMBTables]
    /// Arena chunk index of each layout.
    let chunkIndices: [Int]

    /// Allocates the moments and the chunk tables for `parameters` (NVIDIA's defaults).
    public init(parameters: ParameterStore, weightDecay: Float = TrainingDefaults.weightDecay,
                maxGradNorm: Float = TrainingDefaults.maxGradNorm, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = OptimizerKind.lamb.epsilon, biasCorrection: Bool = true,
                chunkSize: Int = LAMBLayout.defaultChunkSize) throws {
        self.parameters = parameters
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.biasCorrection = biasCorrection
        moments = try OptimizerMoments(parameters: parameters, name: "LAMB", slots: ("lamb_m", "lamb_v"))
        let grouped = try Self.tensorsByChunk(parameters)
        chunkIndices = grouped.map(\.chunk)
        layouts = try grouped.map { try LAMBLayout(tensors: $0.tensors, chunkSize: chunkSize) }
        tables = try LAMBTables.allocate(layouts, on: parameters.device, label: "LAMB")
    }

    /// Bytes a `LAMBOptimizer` allocates beyond its two moment arenas and the 4-byte gradient norm²: the chunk and
    /// tensor tables and the per-chunk partial sums and per-tensor trust ratios (two allocations, charged exactly
    /// this by any device's accountant) — what a memory plan adds for `--optimizer lamb`. The count depends only
    /// on the tensors' sizes, not on how the arena is split into chunks.
    public static func extraStateBytes(config: BertConfig, heads: BertHeads, device: any Device,
                                       chunkSize: Int = LAMBLayout.defaultChunkSize) -> Int {
        let sizes = config.parameterSpecs(heads: heads).map(\.count)
        return LAMBTables.allocationBytes(chunks: LAMBLayout.chunkCount(tensorSizes: sizes, chunkSize: chunkSize),
                                          tensors: sizes.count)
    }

    var device: any Device { parameters.device }

    /// Reduces Σ grad² over the whole gradient arena on the device and returns the global norm.
    public func globalNorm() throws -> Float { try moments.globalNorm() }

    /// One LAMB step (after `globalNorm()`, whose result the clipping uses) at `learningRate`; `step` is 1-based.
    public func update(learningRate: Float, step: Int) throws {
        guard let gradients = parameters.gradients else { return }
        let config = LAMBConfig(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                weightDecay: weightDecay, biasCorrection: biasCorrection, step: step,
                                maxGradNorm: maxGradNorm)
        for (chunk, table) in zip(chunkIndices, tables) {
            let slice = OptimizerSlice(parameters: parameters.values.chunkViews[chunk],
                                       gradients: gradients.chunkViews[chunk], m: moments.m.chunkViews[chunk],
                                       v: moments.v.chunkViews[chunk])
            try device.lamb(slice, tables: table, normSquared: moments.normSquared, config: config, role: "clip + LAMB")
        }
    }

    /// The moments as checkpoint tensors (`<parameter>.lamb_m`, `<parameter>.lamb_v`).
    public func stateTensors() throws -> [TensorPayload] { try moments.stateTensors() }

    /// Restores the moments from a checkpoint's optimizer file (written by a LAMB run).
    public func restore(from state: SavedTrainingState) throws { try moments.restore(from: state) }

    /// The parameter tensors of each arena chunk, offsets from the chunk's start, in arena order.
    private static func tensorsByChunk(_ parameters: ParameterStore) throws -> [(chunk: Int, tensors: [LAMBTensor])] {
        let chunks = parameters.values.chunkViews
        var grouped: [(chunk: Int, tensors: [LAMBTensor])] = []
        for spec in parameters.specs {
            let view = try parameters.value(spec.name)
            guard let chunk = chunks.firstIndex(where: { $0.allocation === view.allocation }) else {
                throw TrainingError.invalidSetting("parameter '\(spec.name)' lies outside the parameter arena")
            }
            let decays = ParameterStore.decays(spec.name)
            let tensor = LAMBTensor(offset: view.elementOffset - chunks[chunk].elementOffset, count: spec.count,
                                    decay: decays, adapt: decays)
            if grouped.last?.chunk == chunk {
                grouped[grouped.count - 1].tensors.append(tensor)
            } else {
                grouped.append((chunk, [tensor]))
            }
        }
        return grouped
    }
}
