import Compute
import Foundation

extension ParameterStore {
    /// BERT's initialization (modeling.py): weights from a normal distribution with standard deviation
    /// `initializer_range`, truncated at two standard deviations; biases 0; LayerNorm gamma 1 and beta 0.
    /// Deterministic for a seed.
    public func initialize(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let std = Float(config.initializerRange)
        for spec in specs {
            try device.write(Self.initialValues(spec, std: std, random: &random), to: try value(spec.name))
        }
    }

    /// One tensor's initial values: LayerNorm gamma 1, biases 0, weights truncated normal (σ = `std`).
    static func initialValues(_ spec: ParameterSpec, std: Float, random: inout SplitMix64) -> [Float] {
        if spec.name.hasSuffix("LayerNorm.weight") { return [Float](repeating: 1, count: spec.count) }
        if spec.name.hasSuffix("bias") { return [Float](repeating: 0, count: spec.count) }
        return (0..<spec.count).map { _ in std * truncatedNormal(&random) }
    }

    /// A standard normal sample redrawn until it lies within ±2 (Box–Muller).
    static func truncatedNormal(_ random: inout SplitMix64) -> Float {
        while true {
            let u1 = max(Double(random.nextUnitFloat()), 1e-12), u2 = Double(random.nextUnitFloat())
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            if abs(z) <= 2 { return Float(z) }
        }
    }
}
