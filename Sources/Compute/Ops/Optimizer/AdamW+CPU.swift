import CPUKernels

// The CPU twin of Kernels/adamw.cl: the C kernel `adamw` of Sources/CPUKernels over the backend's threads.

extension AdamWOp {
    public func run(on device: CPUDevice) throws {
        let (s, c, floats) = (slice, config, device.floats)
        let p = try floats(s.parameters, .adamw), g = try floats(s.gradients, .adamw)   // [n]
        let m = try floats(s.m, .adamw), v = try floats(s.v, .adamw)                    // [n]
        let clip = OptimizerMath.clip(normSquared: try floats(normSquared, .adamw)[0], maxNorm: c.maxGradNorm)
        let (correction1, correction2) = c.corrections
        var constants = sb_adamw(clip: clip, beta1: c.beta1, beta2: c.beta2, learning_rate: c.learningRate,
                                 weight_decay: c.weightDecay, epsilon: c.epsilon, step: c.learningRate / correction1,
                                 root_correction2: correction2.squareRoot(), bias_correction: c.biasCorrection ? 1 : 0)
        let update = device.kernels.table.adamw!
        withUnsafePointer(to: &constants) { constants in
            device.parallel(s.parameters.count) { range in update(p, g, m, v, constants, range.lowerBound, range.upperBound) }
        }
    }
}
