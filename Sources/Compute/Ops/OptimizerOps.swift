import Foundation

/// Settings of one AdamW step (Google's AdamWeightDecay or PyTorch's AdamW) with global-norm clipping.
public struct AdamWConfig: Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// PyTorch AdamW (bias-corrected moments, decoupled decay first) when true; Google's AdamWeightDecay
    /// (no bias correction) when false.
    public var biasCorrection: Bool
    /// 1-based step number (for bias correction).
    public var step: Int
    /// Clip gradients to this global norm before the update; 0 disables clipping.
    public var maxGradNorm: Float

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-6,
                weightDecay: Float = 0.01, biasCorrection: Bool = false, step: Int = 1, maxGradNorm: Float = 1) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.biasCorrection = biasCorrection
        self.step = step
        self.maxGradNorm = maxGradNorm
    }

    /// 1 − β1ᵗ and 1 − β2ᵗ.
    var corrections: (Float, Float) { OptimizerMath.corrections(beta1: beta1, beta2: beta2, step: step) }
}

/// Scalars the optimizers' kernels and their CPU twins compute the same way.
enum OptimizerMath {
    /// 1 − β1ᵗ and 1 − β2ᵗ (computed in double, rounded once).
    static func corrections(beta1: Float, beta2: Float, step: Int) -> (Float, Float) {
        (1 - Float(pow(Double(beta1), Double(step))), 1 - Float(pow(Double(beta2), Double(step))))
    }

    /// The global-norm clip factor: `maxNorm / √normSquared` when clipping is on and the norm exceeds it, else 1.
    static func clip(normSquared: Float, maxNorm: Float) -> Float {
        let norm = normSquared.squareRoot()
        return maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1
    }
}

/// One range of the optimizer's arenas: parameters, gradients and both moments, all of the same length.
public struct OptimizerSlice {
    public var parameters: BufferView
    public var gradients: BufferView
    public var m: BufferView
    public var v: BufferView

    public init(parameters: BufferView, gradients: BufferView, m: BufferView, v: BufferView) {
        self.parameters = parameters
        self.gradients = gradients
        self.m = m
        self.v = v
    }
}

/// The optimizer's device work: the deterministic global gradient norm and the fused AdamW update.
public protocol OptimizerOps {
    /// `out[0] = Σ x²` (or `+=` with `accumulate`), summed in a fixed order. out: [1].
    func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool) throws
    /// AdamW over one slice; gradients are scaled by the clip factor computed from `normSquared` ([1], the
    /// global Σ grad²) and `config.maxGradNorm`, on the device.
    func adamw(_ slice: OptimizerSlice, normSquared: BufferView, config: AdamWConfig) throws
}

extension OptimizerSlice {
    func validate(_ operation: String = "adamw") throws {
        try OpChecks.floats(operation, count: parameters.count, ("parameters", parameters), ("gradients", gradients),
                            ("m", m), ("v", v))
    }
}

