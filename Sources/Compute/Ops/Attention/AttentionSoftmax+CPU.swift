import Foundation

// The CPU twins of Kernels/softmax.cl.

extension AttentionSoftmaxOp {
    public func run(on device: CPUDevice) throws {
        let (f, s, floats, raw, parallel) = (arguments, shape, device.floats, device.raw, device.parallel)
        let op = "attentionSoftmax"
        let scores = try floats(f.scores, op), probs = try floats(f.probabilities, op)   // [B, nh, q, k]
        let dropped = try f.dropped.map { try floats($0, op) }                            // [B, nh, q, k]
        let mask = try f.keyMask.map { try raw($0, op).assumingMemoryBound(to: Int32.self) }   // [B, k]
        let k = s.keyLength, rowsPerBatch = s.heads * s.queryLength
        let dropout = (f.dropout?.probability ?? 0) > 0 ? f.dropout : nil
        parallel(s.scoreRows, grain: max(1, 4096 / max(k, 1))) { rows in
            for g in rows {
                let base = g * k
                let rowMask = mask.map { $0 + (g / rowsPerBatch) * k }
                var m = -Float.infinity
                for j in 0..<k where rowMask.map({ $0[j] != 0 }) ?? true { m = max(m, f.scale * scores[base + j]) }
                // exp(scale·s − max) once per element, kept in P (which may alias the scores: each is read first).
                var total: Float = 0
                for j in 0..<k {
                    guard rowMask.map({ $0[j] != 0 }) ?? true else { probs[base + j] = 0; continue }
                    let e = expf(f.scale * scores[base + j] - m)
                    probs[base + j] = e
                    total += e
                }
                let inverse: Float = total > 0 ? 1 / total : 0
                var draws = dropout.map(PhiloxSequence.init)   // four elements per Philox block, in row order
                for j in 0..<k {
                    let p = total > 0 ? probs[base + j] * inverse : 0
                    probs[base + j] = p
                    if let dropped {
                        if let dropout, let u = draws?.uniform(base + j) {
                            dropped[base + j] = u < dropout.probability ? 0 : p * dropout.scale
                        } else {
                            dropped[base + j] = p
                        }
                    }
                }
            }
        }
    }
}

extension AttentionSoftmaxBackwardOp {
    public func run(on device: CPUDevice) throws {
        let (b, s, floats, parallel) = (arguments, shape, device.floats, device.parallel)
        let op = "attentionSoftmaxBackward"
        let dD = try floats(b.gradDropped, op), probs = try floats(b.probabilities, op)   // [B, nh, q, k]
        let dS = try floats(b.gradScores, op)                                             // [B, nh, q, k]
        let k = s.keyLength
        let dropout = (b.dropout?.probability ?? 0) > 0 ? b.dropout : nil
        parallel(s.scoreRows, grain: max(1, 4096 / max(k, 1))) { rows in
            // ∂L/∂P of one row (the dropout mask applied once, four elements per Philox block).
            let gradP = UnsafeMutablePointer<Float>.allocate(capacity: max(k, 1))   // [k]
            defer { gradP.deallocate() }
            for g in rows {
                let base = g * k
                if let dropout {
                    var draws = PhiloxSequence(dropout)
                    for j in 0..<k { gradP[j] = draws.uniform(base + j) < dropout.probability ? 0 : dD[base + j] * dropout.scale }
                } else {
                    gradP.update(from: dD + base, count: k)
                }
                var dot: Float = 0
                for j in 0..<k { dot += gradP[j] * probs[base + j] }
                for j in 0..<k { dS[base + j] = b.scale * probs[base + j] * (gradP[j] - dot) }
            }
        }
    }
}
