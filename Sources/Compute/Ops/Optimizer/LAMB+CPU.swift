import CPUKernels

// The CPU twin of Kernels/lamb.cl: the same three passes over the same chunks, the first and last through the C
// kernels of Sources/CPUKernels. Within a chunk the partial sums run in sixteen lanes (the kernel's run as a
// work-group tree), so ratios agree with OpenCL to rounding; the per-tensor sums of the partials run in the kernel's
// order.

extension LAMBOp {
    public func run(on device: CPUDevice) throws {
        let (s, c, floats, raw, parallel) = (slice, config, device.floats, device.raw, device.parallel)
        let op = OpName.lamb
        let chunks = try raw(tables.chunks, op).assumingMemoryBound(to: Int32.self)     // [chunks, 3]
        let tensors = try raw(tables.tensors, op).assumingMemoryBound(to: Int32.self)   // [tensors, 3]
        let (chunkCount, tensorCount) = (tables.chunkCount, tables.tensorCount)
        try LAMBLayout.check(chunks: chunks, chunkCount: chunkCount, tensors: tensors, tensorCount: tensorCount,
                             count: s.parameters.count)
        let p = try floats(s.parameters, op), g = try floats(s.gradients, op)            // [n]
        let m = try floats(s.m, op), v = try floats(s.v, op)                             // [n]
        let partials = try floats(tables.partials, op), ratios = try floats(tables.ratios, op)   // [chunks, 2], [tensors]
        let clip = OptimizerMath.clip(normSquared: try floats(normSquared, op)[0], maxNorm: c.maxGradNorm)
        let (correction1, correction2) = c.corrections
        var constants = sb_lamb(clip: clip, beta1: c.beta1, beta2: c.beta2, correction1: correction1,
                                correction2: correction2, epsilon: c.epsilon)
        let (update, axpby) = (device.kernels.table.lamb_moments!, device.kernels.table.axpby!)
        withUnsafePointer(to: &constants) { constants in
            parallel(chunkCount, grain: 1) { range in
                for k in range {
                    let flags = tensors[3 * Int(chunks[3 * k + 2]) + 2]
                    update(p, g, m, v, constants, flags & 1 != 0 ? c.weightDecay : 0, Int(chunks[3 * k]),
                           Int(chunks[3 * k + 1]), partials + 2 * k)
                }
            }
        }
        for j in 0..<tensorCount {
            let (first, count) = (Int(tensors[3 * j]), Int(tensors[3 * j + 1]))
            var pp: Float = 0, uu: Float = 0
            for k in first..<(first + count) {
                pp += partials[2 * k]
                uu += partials[2 * k + 1]
            }
            let (pNorm, uNorm) = (pp.squareRoot(), uu.squareRoot())
            ratios[j] = tensors[3 * j + 2] & 2 != 0 && pNorm > 0 && uNorm > 0 ? pNorm / uNorm : 1
        }
        parallel(chunkCount, grain: 1) { range in
            for k in range {   // p −= step · u, as (−step)·u + 1·p (the same rounding)
                let (start, length) = (Int(chunks[3 * k]), Int(chunks[3 * k + 1]))
                axpby(-c.learningRate * ratios[Int(chunks[3 * k + 2])], g, 1, p, start, start + length)
            }
        }
    }
}
