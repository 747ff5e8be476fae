// The CPU twin of Kernels/lamb.cl: the same three passes over the same chunks. Within a chunk the partial sums run
// sequentially (the kernel's run as a work-group tree), so ratios agree with OpenCL to rounding; the per-tensor
// sums of the partials run in the kernel's order.

extension LAMBOp {
    public func run(on device: CPUDevice) throws {
        let (s, c, floats, raw, parallel) = (slice, config, device.floats, device.raw, device.parallel)
        let op = "lamb"
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
        parallel(chunkCount, grain: 1) { range in
            for k in range {
                let (start, length) = (Int(chunks[3 * k]), Int(chunks[3 * k + 1]))
                let flags = tensors[3 * Int(chunks[3 * k + 2]) + 2]
                let wd: Float = flags & 1 != 0 ? c.weightDecay : 0
                var pp: Float = 0, uu: Float = 0
                for i in start..<(start + length) {
                    let gi = g[i] * clip
                    let mi = c.beta1 * m[i] + (1 - c.beta1) * gi
                    let vi = c.beta2 * v[i] + (1 - c.beta2) * gi * gi
                    m[i] = mi
                    v[i] = vi
                    let u = (mi / correction1) / ((vi / correction2).squareRoot() + c.epsilon) + wd * p[i]
                    g[i] = u
                    pp += p[i] * p[i]
                    uu += u * u
                }
                partials[2 * k] = pp
                partials[2 * k + 1] = uu
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
            for k in range {
                let (start, length) = (Int(chunks[3 * k]), Int(chunks[3 * k + 1]))
                let step = c.learningRate * ratios[Int(chunks[3 * k + 2])]
                for i in start..<(start + length) { p[i] -= step * g[i] }
            }
        }
    }
}
