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
            let values: [Float]
            if spec.name.hasSuffix("LayerNorm.weight") {
                values = [Float](repeating: 1, count: spec.count)
            } else if spec.name.hasSuffix("bias") || spec.name.hasSuffix("LayerNorm.bias") {
                values = [Float](repeating: 0, count: spec.count)
            } else {
                values = (0..<spec.count).map { _ in std * Self.truncatedNormal(&random) }
            }
            try device.write(values, to: try value(spec.name))
        }
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
