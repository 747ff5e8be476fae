import COpenBLAS
import Foundation

// The CPU twins of Kernels/attention.cl.

extension HeadLayoutOp {
    public func run(on device: CPUDevice) throws {
        let l = layout, split = direction == .split
        let xp = try device.floats(x, direction.rawValue), op = try device.floats(out, direction.rawValue)
        device.parallel(l.batch * l.heads * l.sequence, grain: max(1, 8192 / max(l.headDim, 1))) { rows in
            for row in rows {   // row = (b·nh + h)·S + s of the head-major side [B, nh, S, D]
                let s = row % l.sequence, h = (row / l.sequence) % l.heads, b = row / (l.sequence * l.heads)
                let rowMajor = (b * l.sequence + s) * l.rowStride + h * l.headDim   // in [B·S, stride]
                if split {
                    (op + row * l.headDim).update(from: xp + rowMajor, count: l.headDim)
                } else {
                    (op + rowMajor).update(from: xp + row * l.headDim, count: l.headDim)
                }
            }
        }
    }
}

extension FlashAttentionOp {

    /// The twin of `flash_attention_forward`: per (batch, head), blocks of `flashQueryBlock` query rows at a time —
    /// scores by a single-threaded BLAS GEMM into a per-thread [block, k] tile, masked softmax (+ dropout, the same
    /// Philox draws as the kernel) in the tile, then tile · V — so no [B, heads, q, k] matrix is ever stored, and
    /// the work runs at GEMM speed. Equal to the kernel's online softmax up to float rounding. The tile is op
    /// scratch (like BLAS's own buffers), at most `flashQueryBlock` × k floats per thread.
    public func run(on device: CPUDevice) throws {
        let (f, s, floats, parallel) = (arguments, shape, device.floats, device.parallel)
        let op = "flashAttention"
        let q = try floats(f.query, op), k = try floats(f.key, op), v = try floats(f.value, op)
        let out = try floats(f.output, op)
        let mask = try f.keyMask.map { try device.raw($0, op).assumingMemoryBound(to: Int32.self) }   // [B, k]
        let d = s.headDim, kLen = s.keyLength, qLen = s.queryLength
        let dropout = (f.dropout?.probability ?? 0) > 0 ? f.dropout : nil
        let blocks = (qLen + CPUDevice.flashQueryBlock - 1) / CPUDevice.flashQueryBlock
        let threads = parallel.threads
        if threads > 1 { openblas_set_num_threads(1) }
        defer { if threads > 1 { openblas_set_num_threads(Int32(threads)) } }
        parallel(s.batch * s.heads * blocks, grain: 1) { tasks in
            let tile = UnsafeMutablePointer<Float>.allocate(capacity: CPUDevice.flashQueryBlock * kLen)     // [block, k]
            let context = UnsafeMutablePointer<Float>.allocate(capacity: CPUDevice.flashQueryBlock * d)     // [block, D]
            defer { tile.deallocate(); context.deallocate() }
            for task in tasks {
                let bh = task / blocks, b = bh / s.heads, h = bh % s.heads
                let i0 = (task % blocks) * CPUDevice.flashQueryBlock, rows = min(CPUDevice.flashQueryBlock, qLen - i0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(kLen), Int32(d), f.scale,
                            q + (bh * qLen + i0) * d, Int32(d), k + bh * kLen * d, Int32(d), 0, tile, Int32(kLen))
                for r in 0..<rows {
                    let row = tile + r * kLen, g = bh * qLen + i0 + r
                    var m = -Float.infinity
                    for j in 0..<kLen {
                        if let mask, mask[b * kLen + j] == 0 { row[j] = -.infinity } else { m = max(m, row[j]) }
                    }
                    var l: Float = 0
                    for j in 0..<kLen {
                        let e = row[j] == -.infinity ? 0 : expf(row[j] - m)
                        row[j] = e
                        l += e
                    }
                    let inverse: Float = l > 0 ? 1 / l : 0
                    var draws = dropout.map(PhiloxSequence.init)   // four elements per Philox block, in row order
                    for j in 0..<kLen {
                        var w = row[j] * inverse
                        if let dropout, w != 0, let u = draws?.uniform(g * kLen + j) {
                            w = u < dropout.probability ? 0 : w * dropout.scale
                        }
                        row[j] = w
                    }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(d), Int32(kLen), 1,
                            tile, Int32(kLen), v + bh * kLen * d, Int32(d), 0, context, Int32(d))
                for r in 0..<rows {
                    (out + (b * qLen + i0 + r) * f.outputRowStride + h * d).update(from: context + r * d, count: d)
                }
            }
        }
    }

}

extension CPUDevice {
    /// Query rows per tile of the CPU flash-attention twin.
    static let flashQueryBlock = 64
}
