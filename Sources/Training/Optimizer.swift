import BERT
import Compute

/// Which optimizer: Google's AdamWeightDecay (no bias correction, ε 1e-6; the faithful default), PyTorch's
/// AdamW (bias correction, ε 1e-8), or LAMB (NVIDIA's BERT pre-training: bias correction, ε 1e-6, trust ratio per
/// tensor).
public enum OptimizerKind: String, Sendable, CaseIterable {
    case google = "adamw"
    case pytorch = "adamw-torch"
    case lamb = "lamb"

    public var epsilon: Float {
        switch self {
        case .google, .lamb: return 1e-6
        case .pytorch: return 1e-8
        }
    }
}

/// What the trainer asks of an optimizer: the global gradient norm (checked for NaN/Inf, then used for clipping
/// on the device), one update, and its state for checkpoints.
public protocol TrainingOptimizer: AnyObject {
    /// Reduces Σ grad² on the device and returns the global gradient norm.
    func globalNorm() throws -> Float
    /// Applies one update after `globalNorm()` at `learningRate`; `step` is 1-based (bias correction).
    func update(learningRate: Float, step: Int) throws
    /// The optimizer's state as checkpoint tensors.
    func stateTensors() throws -> [TensorPayload]
    /// Restores the state from a checkpoint's optimizer file.
    func restore(from: SavedTrainingState) throws
}

/// The optimizer of `kind` over `parameters` (created for training): `AdamWOptimizer` for the AdamW kinds,
/// `LAMBOptimizer` for `.lamb`. Weight decay and layer adaptation are off for LayerNorm parameters and biases.
public func makeOptimizer(kind: OptimizerKind, parameters: ParameterStore, weightDecay: Float,
                          maxGradNorm: Float) throws -> any TrainingOptimizer {
    switch kind {
    case .google, .pytorch:
        return try AdamWOptimizer(parameters: parameters, kind: kind, weightDecay: weightDecay, maxGradNorm: maxGradNorm)
    case .lamb:
        return try LAMBOptimizer(parameters: parameters, weightDecay: weightDecay, maxGradNorm: maxGradNorm)
    }
}

/// AdamW over a model's parameter arena: moments in arenas of the same layout, the global gradient norm
/// reduced on the device, clipping and the update fused in one kernel per run of tensors (weight decay off for
/// LayerNorm and biases). Checkpoint slots `adam_m`, `adam_v`.
public final class AdamWOptimizer: TrainingOptimizer {
    public let kind: OptimizerKind
    public let parameters: ParameterStore
    public let weightDecay: Float
    public let maxGradNorm: Float
    let moments: OptimizerMoments

    /// `kind` is `.google` or `.pytorch` (`.lamb` is `LAMBOptimizer`).
    public init(parameters: ParameterStore, kind: OptimizerKind = .google, weightDecay: Float = TrainingDefaults.weightDecay,
                maxGradNorm: Float = TrainingDefaults.maxGradNorm) throws {
        guard kind != .lamb else {
            throw TrainingError.invalidSetting("AdamWOptimizer runs adamw and adamw-torch; LAMB is LAMBOptimizer (makeOptimizer)")
        }
        self.kind = kind
        self.parameters = parameters
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
        moments = try OptimizerMoments(parameters: parameters, name: "Adam", slots: ("adam_m", "adam_v"))
    }

    var device: any Device { parameters.device }

    /// Reduces Σ grad² over the whole gradient arena on the device and returns the global norm (one float
    /// read back: the trainer checks it for NaN/Inf before updating).
    public func globalNorm() throws -> Float { try moments.globalNorm() }

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
                                            m: try range.view(in: moments.m), v: try range.view(in: moments.v)),
                             normSquared: moments.normSquared, config: config, role: "clip + AdamW")
        }
    }

    /// The moments as checkpoint tensors (`<parameter>.adam_m`, `<parameter>.adam_v`).
    public func stateTensors() throws -> [TensorPayload] { try moments.stateTensors() }

    /// Restores the moments from a checkpoint's optimizer file.
    public func restore(from state: SavedTrainingState) throws { try moments.restore(from: state) }
}
