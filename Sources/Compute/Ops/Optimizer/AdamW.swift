import Foundation

// The fused clip + AdamW update (Google's AdamWeightDecay or PyTorch's AdamW) over one slice of the parameter
// arena, with the settings and scalars it shares with LAMB: descriptor, checks, its call (cost, replay) and the
// device sugar. Bodies: AdamW+CPU.swift, AdamW+OpenCL.swift (Kernels/adamw.cl).

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
                weightDecay: Float = TrainingDefaults.weightDecay, biasCorrection: Bool = false, step: Int = 1,
                maxGradNorm: Float = TrainingDefaults.maxGradNorm) {
        (self.learningRate, self.beta1, self.beta2, self.epsilon, self.weightDecay, self.biasCorrection, self.step, self.maxGradNorm)
            = (learningRate, beta1, beta2, epsilon, weightDecay, biasCorrection, step, maxGradNorm)
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
        (self.parameters, self.gradients, self.m, self.v) = (parameters, gradients, m, v)
    }
}

extension OptimizerSlice {
    func validate(_ operation: OpName = .adamw) throws {
        try OpChecks.floats(operation, count: parameters.count, ("parameters", parameters), ("gradients", gradients),
                            ("m", m), ("v", v))
    }
}


/// AdamW over one slice; gradients are scaled by the clip factor computed on the device from `normSquared` ([1],
/// the global Σ grad²) and `config.maxGradNorm`.
public struct AdamWOp: DeviceOp {
    public var slice: OptimizerSlice
    public var normSquared: BufferView
    public var config: AdamWConfig

    public var call: OpCall { OpCall(Call(count: slice.parameters.count)) }
    public func validate() throws {
        try slice.validate()
        try OpChecks.floats(.adamw, count: 1, ("normSquared", normSquared))
    }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .adamw }
        public var cost: OpCost { .perElement(count, 28, "read p, g, m, v; write p, m, v") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let n = count
            let slice = OptimizerSlice(parameters: try d.floats(n, "parameters"), gradients: try d.floats(n, "gradients"),
                                       m: try d.floats(n, "m", -0.01, 0.01), v: try d.floats(n, "v", 0, 1e-4))   // [n] each
            let normSquared = try d.output(1, "norm²", 4)                             // [1]: norm 2, clipped to 1
            let op = AdamWOp(slice: slice, normSquared: normSquared, config: AdamWConfig(learningRate: 1e-3, step: 1, maxGradNorm: 1))
            return d.prepared(self, op, outputs: [("parameters", slice.parameters), ("m", slice.m), ("v", slice.v)],
                              atol: 1e-6, rtol: 1e-5)
        }
    }
}

extension OpCall {
    public static func adamw(count: Int) -> OpCall { OpCall(AdamWOp.Call(count: count)) }
}

extension Device {
    /// The fused clip + AdamW update of one slice (`AdamWOp`).
    public func adamw(_ slice: OptimizerSlice, normSquared: BufferView, config: AdamWConfig, role: OpRole = .unnamed) throws {
        try execute(AdamWOp(slice: slice, normSquared: normSquared, config: config), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let adamw = OpName("adamw")
}
