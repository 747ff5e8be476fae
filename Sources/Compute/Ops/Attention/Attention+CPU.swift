import Foundation

// The CPU twins of Kernels/attention.cl.

extension HeadLayoutOp {
    public func run(on device: CPUDevice) throws {
        let l = layout, split = direction == .split
        let xp = try device.floats(x, direction.name), op = try device.floats(out, direction.name)
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

    /// The twin of `flash_attention_forward`: per batch element, blocks of `flashQueryBlock` query rows of every head
    /// at a time — scores of all heads by one strided-batched fp32 GEMM into a [heads, block, k] tile, the masked
    /// softmax (+ dropout, the same Philox draws as the kernel) of the C kernel in the tile, then one batched
    /// tile · V — so no [B, heads, q, k] matrix is ever stored, and the work runs at GEMM speed. Equal to the
    /// kernel's online softmax up to float rounding. The tiles are op scratch (like BLAS's own buffers): heads ×
    /// `flashQueryBlock` × (k + D) floats.
    public func run(on device: CPUDevice) throws {
        let (f, s, floats) = (arguments, shape, device.floats)
        let op = OpName.flashAttention
        let q = try floats(f.query, op), k = try floats(f.key, op), v = try floats(f.value, op)   // [B, nh, q|k, D]
        let out = try floats(f.output, op)                                                         // [B, q, stride]
        let mask = try f.keyMask.map { try device.raw($0, op).assumingMemoryBound(to: Int32.self) }   // [B, k]
        let (d, kLen, qLen, heads) = (s.headDim, s.keyLength, s.queryLength, s.heads)
        guard s.batch > 0, qLen > 0, heads > 0, d > 0 else { return }
        let block = min(qLen, CPUDevice.flashQueryBlock)
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: max(heads * block * kLen, 1))   // [nh, block, k]
        let context = UnsafeMutablePointer<Float>.allocate(capacity: heads * block * d)          // [nh, block, D]
        defer { tile.deallocate(); context.deallocate() }
        let softmax = device.kernels.table.attention_softmax_forward!
        for b in 0..<s.batch {
            for i0 in stride(from: 0, to: qLen, by: block) {
                let rows = min(block, qLen - i0)
                let queries = q + (b * heads * qLen + i0) * d, keys = k + b * heads * kLen * d
                if kLen > 0 {
                    try device.fp32GEMM(GEMMShape(m: rows, n: kLen, k: d, transB: .transposed, alpha: f.scale),
                                        batch: BatchStrides(count: heads, a: qLen * d, b: kLen * d, c: rows * kLen),
                                        queries, keys, tile)
                }
                // Row r of head h is score row (b·nh + h)·q + i0 + r of the kernel: its dropout draws start there.
                f.dropout.withKernelArgument { dropout in
                    device.parallel(heads * rows, grain: max(1, 4096 / max(kLen, 1))) { range in
                        var g = range.lowerBound
                        while g < range.upperBound {
                            let h = g / rows, end = min(range.upperBound, (h + 1) * rows)
                            let first = ((b * heads + h) * qLen + i0) * kLen
                            let scores = tile + h * rows * kLen
                            softmax(scores, scores, dropout == nil ? nil : scores, mask.map { $0 + b * kLen }, rows, kLen, 1,
                                    dropout, first, g - h * rows, end - h * rows)
                            g = end
                        }
                    }
                }
                if kLen > 0 {
                    try device.fp32GEMM(GEMMShape(m: rows, n: d, k: kLen),
                                        batch: BatchStrides(count: heads, a: rows * kLen, b: kLen * d, c: rows * d),
                                        tile, v + b * heads * kLen * d, context)
                } else {
                    context.update(repeating: 0, count: heads * rows * d)
                }
                for h in 0..<heads {
                    for r in 0..<rows {
                        (out + (b * qLen + i0 + r) * f.outputRowStride + h * d).update(from: context + (h * rows + r) * d, count: d)
                    }
                }
            }
        }
    }

}

extension CPUDevice {
    /// Query rows per tile of the CPU flash-attention twin.
    static let flashQueryBlock = 64
}
