// The fused scale + mask + softmax + dropout of attention and its backward: buffers, checks, descriptors, their
// calls (cost, replay) and the device sugar. Bodies: AttentionSoftmax+CPU.swift, AttentionSoftmax+OpenCL.swift
// (Kernels/softmax.cl, one row work-group per score row).

/// Buffers of the fused scale + mask + softmax + dropout forward.
public struct AttentionSoftmaxForward {
    public var scores: BufferView           // [B, heads, q, k]  raw Q·Kᵀ
    public var keyMask: BufferView?         // int32 [B, k]  1 = attend, 0 = padding
    public var probabilities: BufferView    // [B, heads, q, k]  softmax (may alias scores)
    public var dropout: DropoutConfig?
    public var dropped: BufferView?         // [B, heads, q, k]  probabilities after dropout (required with dropout)
    public var scale: Float                 // 1/√headDim

    public init(scores: BufferView, keyMask: BufferView?, probabilities: BufferView, dropout: DropoutConfig? = nil,
                dropped: BufferView? = nil, scale: Float) {
        (self.scores, self.keyMask, self.probabilities, self.dropout, self.dropped, self.scale)
            = (scores, keyMask, probabilities, dropout, dropped, scale)
    }
}

/// Buffers of the softmax backward: gradients of the (dropped-out) probabilities in, of the raw scores out.
public struct AttentionSoftmaxBackward {
    public var gradDropped: BufferView      // [B, heads, q, k]  ∂L/∂(dropout(P)) (∂L/∂P without dropout)
    public var probabilities: BufferView    // [B, heads, q, k]  P from the forward
    public var gradScores: BufferView       // [B, heads, q, k]  ∂L/∂(Q·Kᵀ), may alias gradDropped
    public var dropout: DropoutConfig?
    public var scale: Float

    public init(gradDropped: BufferView, probabilities: BufferView, gradScores: BufferView,
                dropout: DropoutConfig? = nil, scale: Float) {
        (self.gradDropped, self.probabilities, self.gradScores, self.dropout, self.scale)
            = (gradDropped, probabilities, gradScores, dropout, scale)
    }
}


extension AttentionSoftmaxForward {
    func validate(_ s: AttentionShape) throws {
        let op = OpName.attentionSoftmax
        try OpChecks.floats(op, count: s.scoreCount, ("scores", scores), ("probabilities", probabilities))
        try s.validateMask(keyMask, op)
        try dropout?.validate(op)
        if (dropout?.probability ?? 0) > 0 {
            guard let dropped else {
                throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "dropout needs a `dropped` buffer for dropout(P)")
            }
            try OpChecks.floats(op, count: s.scoreCount, ("dropped", dropped))
        }
    }
}

extension AttentionSoftmaxBackward {
    func validate(_ s: AttentionShape) throws {
        try OpChecks.floats(.attentionSoftmaxBackward, count: s.scoreCount, ("gradDropped", gradDropped),
                            ("probabilities", probabilities), ("gradScores", gradScores))
        try dropout?.validate(.attentionSoftmaxBackward)
    }
}


/// `P = softmax(scale · scores, masked)`, `dropped = dropout(P)` (see `AttentionSoftmaxForward`).
public struct AttentionSoftmaxOp: DeviceOp {
    public var arguments: AttentionSoftmaxForward
    public var shape: AttentionShape

    public var call: OpCall {
        OpCall(Call(attention: shape, mask: arguments.keyMask != nil,
                    writesDropped: (arguments.dropout?.probability ?? 0) > 0 && arguments.dropped != nil))
    }
    public func validate() throws { try arguments.validate(shape) }

    public struct Call: OpCallKind {
        public var attention: AttentionShape
        public var mask: Bool
        /// Dropout on, into a separate `dropped` buffer.
        public var writesDropped: Bool

        public var name: OpName { .attentionSoftmax }
        public var shape: String { attention.scoreText + (mask ? " mask" : "") + (writesDropped ? " dropout" : "") }
        public var cost: OpCost {
            let n = attention.scoreCount
            return OpCost(bytes: Double(8 * n + (writesDropped ? 4 * n : 0) + (mask ? 4 * attention.batch * attention.keyLength : 0)),
                          formula: "8N (read scores, write P; N = B·h·q·k)" + (writesDropped ? " + 4N (dropped)" : "")
                              + (mask ? " + 4·B·k (mask)" : ""))
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let s = attention
            let forward = AttentionSoftmaxForward(
                scores: try d.floats(s.scoreCount, "scores", -4, 4),
                keyMask: mask ? try d.mask(batch: s.batch, keys: s.keyLength) : nil,
                probabilities: try d.output(s.scoreCount, "probabilities"), dropout: writesDropped ? d.dropout : nil,
                dropped: writesDropped ? try d.output(s.scoreCount, "dropped") : nil, scale: 0.125)   // [B, h, q, k]
            var outputs = [("probabilities", forward.probabilities)]
            if let out = forward.dropped { outputs.append(("dropped", out)) }
            return d.prepared(self, AttentionSoftmaxOp(arguments: forward, shape: s), outputs: outputs, atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// The softmax (and dropout) backward (see `AttentionSoftmaxBackward`).
public struct AttentionSoftmaxBackwardOp: DeviceOp {
    public var arguments: AttentionSoftmaxBackward
    public var shape: AttentionShape

    public var call: OpCall { OpCall(Call(attention: shape, dropout: (arguments.dropout?.probability ?? 0) > 0)) }
    public func validate() throws { try arguments.validate(shape) }

    public struct Call: OpCallKind {
        public var attention: AttentionShape
        public var dropout: Bool

        public var name: OpName { .attentionSoftmaxBackward }
        public var shape: String { attention.scoreText + (dropout ? " dropout" : "") }
        public var cost: OpCost {
            OpCost(bytes: Double(12 * attention.scoreCount),
                   formula: "12N (read dP, P; write dS; N = B·h·q·k)")
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let s = attention
            let backward = AttentionSoftmaxBackward(
                gradDropped: try d.floats(s.scoreCount, "dP"), probabilities: try d.floats(s.scoreCount, "P", 0, 0.05),
                gradScores: try d.output(s.scoreCount, "dS"), dropout: dropout ? d.dropout : nil, scale: 0.125)   // [B, h, q, k]
            return d.prepared(self, AttentionSoftmaxBackwardOp(arguments: backward, shape: s), outputs: [("dS", backward.gradScores)],
                              atol: 1e-6, rtol: 1e-5)
        }
    }
}

extension AttentionShape {
    /// `[B, heads, q, k]`: the score matrix's shape as the profiler prints it.
    var scoreText: String { "[\(batch), \(heads), \(queryLength), \(keyLength)]" }
}

extension OpCall {
    public static func attentionSoftmax(_ shape: AttentionShape, mask: Bool, writesDropped: Bool) -> OpCall {
        OpCall(AttentionSoftmaxOp.Call(attention: shape, mask: mask, writesDropped: writesDropped))
    }
    public static func attentionSoftmaxBackward(_ shape: AttentionShape, dropout: Bool) -> OpCall {
        OpCall(AttentionSoftmaxBackwardOp.Call(attention: shape, dropout: dropout))
    }
}

extension Device {
    /// Fused scale + mask + softmax + dropout (`AttentionSoftmaxOp`).
    public func attentionSoftmax(_ f: AttentionSoftmaxForward, shape: AttentionShape, role: OpRole = .unnamed) throws {
        try execute(AttentionSoftmaxOp(arguments: f, shape: shape), role: role)
    }

    /// Its backward (`AttentionSoftmaxBackwardOp`).
    public func attentionSoftmaxBackward(_ b: AttentionSoftmaxBackward, shape: AttentionShape,
                                         role: OpRole = .unnamed) throws {
        try execute(AttentionSoftmaxBackwardOp(arguments: b, shape: shape), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let attentionSoftmax = OpName("attentionSoftmax"),
        attentionSoftmaxBackward = OpName("attentionSoftmaxBackward")
}
