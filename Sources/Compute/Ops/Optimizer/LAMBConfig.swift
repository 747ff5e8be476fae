/// Settings of one LAMB step (NVIDIA's BERT pre-training LAMB, Google's ALBERT `lamb_optimizer`) with global-norm
/// clipping. Which tensors decay and adapt is per tensor, in the `LAMBLayout`.
///
/// The scalars are AdamW's (learning rate, β1, β2, ε, weight decay, bias correction, 1-based step, max gradient
/// norm; 0 disables clipping), read and written as `config.beta1` etc. Here `biasCorrection` divides m and v by
/// 1 − β1ᵗ and 1 − β2ᵗ (NVIDIA's LAMB, the default); Google's ALBERT LAMB runs without it.
@dynamicMemberLookup
public struct LAMBConfig: Sendable, Equatable {
    /// The scalars, stored as AdamW's.
    public var settings: AdamWConfig

    /// NVIDIA's defaults: β 0.9/0.999, ε 1e-6, weight decay 0.01, bias correction, clipping at norm 1.
    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-6,
                weightDecay: Float = TrainingDefaults.weightDecay, biasCorrection: Bool = true, step: Int = 1,
                maxGradNorm: Float = TrainingDefaults.maxGradNorm) {
        settings = AdamWConfig(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                               weightDecay: weightDecay, biasCorrection: biasCorrection, step: step,
                               maxGradNorm: maxGradNorm)
    }

    /// `config.beta1`, `config.step = …`: the AdamW scalars by name.
    public subscript<T>(dynamicMember path: WritableKeyPath<AdamWConfig, T>) -> T {
        get { settings[keyPath: path] }
        set { settings[keyPath: path] = newValue }
    }

    /// The divisors of m and v: 1 − β1ᵗ and 1 − β2ᵗ with bias correction, 1 and 1 without.
    var corrections: (Float, Float) { settings.biasCorrection ? settings.corrections : (1, 1) }
}
