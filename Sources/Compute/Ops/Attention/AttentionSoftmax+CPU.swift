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
                var total: Float = 0
                for j in 0..<k where rowMask.map({ $0[j] != 0 }) ?? true { total += expf(f.scale * scores[base + j] - m) }
                let inverse: Float = total > 0 ? 1 / total : 0
                for j in 0..<k {
                    let valid = rowMask.map { $0[j] != 0 } ?? true
                    let p = valid && total > 0 ? expf(f.scale * scores[base + j] - m) * inverse : 0
                    probs[base + j] = p
                    if let dropped {
                        dropped[base + j] = dropout.map {
                            Philox.uniform(seed: $0.seed, stream: $0.stream, index: UInt64(base + j)) < $0.probability ? 0 : p * $0.scale
                        } ?? p
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
        @inline(__always) func gradProbability(_ n: Int) -> Float {
            guard let dropout else { return dD[n] }
            return Philox.uniform(seed: dropout.seed, stream: dropout.stream, index: UInt64(n)) < dropout.probability
                ? 0 : dD[n] * dropout.scale
        }
        parallel(s.scoreRows, grain: max(1, 4096 / max(k, 1))) { rows in
            for g in rows {
                let base = g * k
                var dot: Float = 0
                for j in 0..<k { dot += gradProbability(base + j) * probs[base + j] }
                for j in 0..<k { dS[base + j] = b.scale * probs[base + j] * (gradProbability(base + j) - dot) }
            }
        }
    }
}
