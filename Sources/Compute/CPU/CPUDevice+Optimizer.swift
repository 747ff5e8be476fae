import Foundation

extension CPUDevice {
    public func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.floats("sumOfSquares", count: 1, ("out", out))
        let xp = try floats(x, "sumOfSquares"), op = try floats(out, "sumOfSquares")
        // Fixed blocks summed in block order: the result does not depend on the thread count.
        let block = 65_536, blocks = (x.count + block - 1) / block
        let partials = UnsafeMutablePointer<Double>.allocate(capacity: max(blocks, 1))
        defer { partials.deallocate() }
        parallel(blocks, grain: 1) { range in
            for b in range {
                var sum: Float = 0
                for i in (b * block)..<min(x.count, (b + 1) * block) { sum += xp[i] * xp[i] }
                partials[b] = Double(sum)
            }
        }
        var total = 0.0
        for b in 0..<blocks { total += partials[b] }
        op[0] = accumulate ? op[0] + Float(total) : Float(total)
    }

    public func adamw(_ s: OptimizerSlice, normSquared: BufferView, config c: AdamWConfig) throws {
        try s.validate()
        try OpChecks.floats("adamw", count: 1, ("normSquared", normSquared))
        let p = try floats(s.parameters, "adamw"), g = try floats(s.gradients, "adamw")
        let m = try floats(s.m, "adamw"), v = try floats(s.v, "adamw")
        let clip = OptimizerMath.clip(normSquared: try floats(normSquared, "adamw")[0], maxNorm: c.maxGradNorm)
        let (correction1, correction2) = c.corrections
        parallel(s.parameters.count) { range in
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
