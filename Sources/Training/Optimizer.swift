import BERT
import Compute

/// Which AdamW: Google's AdamWeightDecay (no bias correction, ε 1e-6; the faithful default) or PyTorch's
/// AdamW (bias correction, ε 1e-8).
public enum OptimizerKind: String, Sendable, CaseIterable {
    case google = "adamw"
    case pytorch = "adamw-torch"

    public var epsilon: Float { self == .google ? 1e-6 : 1e-8 }
}

/// AdamW over a model's parameter arena: moments in arenas of the same layout, the global gradient norm
/// reduced on the device, clipping and the update fused in one kernel per run of tensors (weight decay off for
/// LayerNorm and biases).
public final class AdamWOptimizer {
    public let kind: OptimizerKind
    public let parameters: ParameterStore
    public let weightDecay: Float
    public let maxGradNorm: Float
    let m: Arena
    let v: Arena
    /// Σ grad² of the last `globalNormSquared()`. [1]
    let normSquared: BufferView

    public init(parameters: ParameterStore, kind: OptimizerKind = .google, weightDecay: Float = 0.01,
                maxGradNorm: Float = 1) throws {
        guard parameters.gradients != nil else {
            throw TrainingError.invalidSetting("the optimizer needs parameters created for training (with gradients)")
        }
        self.kind = kind
        self.parameters = parameters
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
        let device = parameters.device
        m = try device.makeArena(parameters.layout, label: "Adam first moments")
        v = try device.makeArena(parameters.layout, label: "Adam second moments")
        normSquared = try device.allocate(1, label: "gradient norm²")
        for chunk in m.chunkViews + v.chunkViews { try device.fill(chunk, value: 0) }
    }

    var device: any Device { parameters.device }

    /// Reduces Σ grad² over the whole gradient arena on the device and returns the global norm (one float
    /// read back: the trainer checks it for NaN/Inf before updating).
    public func globalNorm() throws -> Float {
        guard let gradients = parameters.gradients else { return 0 }
        for (i, chunk) in gradients.chunkViews.enumerated() {
            try device.sumOfSquares(chunk, into: normSquared, accumulate: i > 0)
        }
        return try device.readFloats(normSquared)[0].squareRoot()
    }

    /// Applies one update (after `globalNorm()`, whose result the clipping uses) at `learningRate`;
    /// `step` is 1-based (PyTorch's bias correction).
    public func update(learningRate: Float, step: Int) throws {
        guard let gradients = parameters.gradients else { return }
        for range in parameters.ranges {
            let config = AdamWConfig(learningRate: learningRate, epsilon: kind.epsilon,
                                     weightDecay: range.decay ? weightDecay : 0, biasCorrection: kind == .pytorch,
                                     step: step, maxGradNorm: maxGradNorm)
            try device.adamw(OptimizerSlice(parameters: try range.view(in: parameters.values),
                                            gradients: try range.view(in: gradients),
                                            m: try range.view(in: m), v: try range.view(in: v)),
                             normSquared: normSquared, config: config)
        }
    }

    /// The moments as checkpoint tensors (`<parameter>.adam_m`, `<parameter>.adam_v`).
    public func stateTensors() throws -> [TensorPayload] {
        var payloads: [TensorPayload] = []
        for spec in parameters.specs {
            for (slot, arena) in [("adam_m", m), ("adam_v", v)] {
                let values = try device.readFloats(try parameters.view(in: arena, spec.name))
                payloads.append(TensorPayload(name: TrainingState.slotName(parameter: spec.name, slot: slot),
                                              shape: spec.shape, values: values))
            }
        }
        return payloads
    }

    /// Restores the moments from a checkpoint's optimizer file.
    public func restore(from state: SavedTrainingState) throws {
        guard let optimizer = state.optimizer else {
            throw TrainingError.resume("the checkpoint has no optimizer.safetensors (it was not written by a training run)")
        }
        for spec in parameters.specs {
            for (slot, arena) in [("adam_m", m), ("adam_v", v)] {
                let name = TrainingState.slotName(parameter: spec.name, slot: slot)
                try device.write(try optimizer.readFloats(name), to: try parameters.view(in: arena, spec.name))
            }
        }
    }
}
