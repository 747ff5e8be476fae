// The CPU twins of Kernels/softmax.cl: the C kernels of Sources/CPUKernels (attention_softmax_forward, attention_softmax_backward), one
// range of score rows per thread.

extension AttentionSoftmaxOp {
    public func run(on device: CPUDevice) throws {
        let (f, s, floats) = (arguments, shape, device.floats)
        let op = OpName.attentionSoftmax
        let scores = try floats(f.scores, op), probs = try floats(f.probabilities, op)   // [B, nh, q, k]
        let dropped = try f.dropped.map { try floats($0, op) }                            // [B, nh, q, k]
        let mask = try f.keyMask.map { try device.raw($0, op).assumingMemoryBound(to: Int32.self) }   // [B, k]
        let k = s.keyLength, rowsPerBatch = s.heads * s.queryLength, scale = f.scale
        let forward = device.kernels.table.attention_softmax_forward!
        f.dropout.withKernelArgument { dropout in
            device.parallel(s.scoreRows, grain: max(1, 4096 / max(k, 1))) { rows in
                forward(scores, probs, dropped, mask, rowsPerBatch, k, scale, dropout, 0, rows.lowerBound, rows.upperBound)
            }
        }
    }
}

extension AttentionSoftmaxBackwardOp {
    public func run(on device: CPUDevice) throws {
        let (b, s, floats) = (arguments, shape, device.floats)
        let op = OpName.attentionSoftmaxBackward
        let dD = try floats(b.gradDropped, op), probs = try floats(b.probabilities, op)   // [B, nh, q, k]
        let dS = try floats(b.gradScores, op)                                             // [B, nh, q, k]
        let k = s.keyLength, scale = b.scale
        let backward = device.kernels.table.attention_softmax_backward!
        b.dropout.withKernelArgument { dropout in
            device.parallel(s.scoreRows, grain: max(1, 4096 / max(k, 1))) { rows in
                backward(dD, probs, dS, k, scale, dropout, rows.lowerBound, rows.upperBound)
            }
        }
    }
}
