import Foundation

extension CPUDevice {
    public func splitHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: x, headMajor: out, "splitHeads")
        let xp = try floats(x, "splitHeads"), op = try floats(out, "splitHeads")   // [B·S, stride], [B, nh, S, D]
        parallel(l.batch * l.heads * l.sequence, grain: max(1, 8192 / max(l.headDim, 1))) { rows in
            for row in rows {   // row = (b·nh + h)·S + s
                let s = row % l.sequence, h = (row / l.sequence) % l.heads, b = row / (l.sequence * l.heads)
                (op + row * l.headDim).update(from: xp + (b * l.sequence + s) * l.rowStride + h * l.headDim, count: l.headDim)
            }
        }
    }

    public func mergeHeads(_ x: BufferView, into out: BufferView, layout l: HeadLayout) throws {
        try l.validate(rowMajor: out, headMajor: x, "mergeHeads")
        let xp = try floats(x, "mergeHeads"), op = try floats(out, "mergeHeads")   // [B, nh, S, D], [B·S, stride]
        parallel(l.batch * l.heads * l.sequence, grain: max(1, 8192 / max(l.headDim, 1))) { rows in
            for row in rows {
                let s = row % l.sequence, h = (row / l.sequence) % l.heads, b = row / (l.sequence * l.heads)
                (op + (b * l.sequence + s) * l.rowStride + h * l.headDim).update(from: xp + row * l.headDim, count: l.headDim)
            }
        }
    }

    /// The online-softmax twin of `flash_attention_forward`: keys streamed in order with a running max and
    /// sum, one query row at a time; the score matrix is never stored.
    public func flashAttention(_ f: FlashAttentionForward, shape s: AttentionShape) throws {
        try f.validate(s)
        let op = "flashAttention"
        let q = try floats(f.query, op), k = try floats(f.key, op), v = try floats(f.value, op)
        let out = try floats(f.output, op)
        let mask = try f.keyMask.map { try raw($0, op).assumingMemoryBound(to: Int32.self) }   // [B, k]
        let d = s.headDim, kLen = s.keyLength
        let dropout = (f.dropout?.probability ?? 0) > 0 ? f.dropout : nil
        parallel(s.scoreRows, grain: max(1, 2048 / max(kLen, 1))) { rows in
            let acc = UnsafeMutablePointer<Float>.allocate(capacity: d)
            defer { acc.deallocate() }
            for g in rows {   // g = (b·nh + h)·q + i
                let i = g % s.queryLength, bh = g / s.queryLength, b = bh / s.heads, h = bh % s.heads
                let qi = q + g * d
                acc.update(repeating: 0, count: d)
                var m = -Float.infinity, l: Float = 0
                for j in 0..<kLen where mask.map({ $0[b * kLen + j] != 0 }) ?? true {
                    let kj = k + (bh * kLen + j) * d, vj = v + (bh * kLen + j) * d
                    var dot: Float = 0
                    for e in 0..<d { dot += qi[e] * kj[e] }
                    let score = dot * f.scale
                    let mNew = max(m, score)
                    let correction = expf(m - mNew), weight = expf(score - mNew)
                    l = l * correction + weight
                    var w = weight
                    if let dropout {
                        let u = Philox.uniform(seed: dropout.seed, stream: dropout.stream, index: UInt64(g * kLen + j))
                        w = u < dropout.probability ? 0 : weight * dropout.scale
                    }
                    for e in 0..<d { acc[e] = acc[e] * correction + w * vj[e] }
                    m = mNew
                }
                let inverse: Float = l > 0 ? 1 / l : 0
                let dst = out + (b * s.queryLength + i) * f.outputRowStride + h * d
                for e in 0..<d { dst[e] = acc[e] * inverse }
            }
        }
    }
}
