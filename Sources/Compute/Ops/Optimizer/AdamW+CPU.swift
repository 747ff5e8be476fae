import Foundation

// The CPU twin of Kernels/adamw.cl.

extension AdamWOp {
    public func run(on device: CPUDevice) throws {
        let (s, c, floats) = (slice, config, device.floats)
        let p = try floats(s.parameters, "adamw"), g = try floats(s.gradients, "adamw")   // [n]
        let m = try floats(s.m, "adamw"), v = try floats(s.v, "adamw")                    // [n]
        let clip = OptimizerMath.clip(normSquared: try floats(normSquared, "adamw")[0], maxNorm: c.maxGradNorm)
        let (correction1, correction2) = c.corrections
        device.parallel(s.parameters.count) { range in
            for i in range {
                let gi = g[i] * clip
                let mi = c.beta1 * m[i] + (1 - c.beta1) * gi
                let vi = c.beta2 * v[i] + (1 - c.beta2) * gi * gi
                m[i] = mi
                v[i] = vi
                var pi = p[i]
                if c.biasCorrection {
                    pi -= c.learningRate * c.weightDecay * pi
                    pi -= (c.learningRate / correction1) * mi / (vi.squareRoot() / correction2.squareRoot() + c.epsilon)
                } else {
                    pi -= c.learningRate * (mi / (vi.squareRoot() + c.epsilon) + c.weightDecay * pi)
                }
                p[i] = pi
            }
        }
    }
}
