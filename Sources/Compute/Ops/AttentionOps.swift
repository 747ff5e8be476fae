/// Sizes of one attention: batch, heads, query and key lengths, and the per-head width.
public struct AttentionShape: Sendable, Equatable {
    public var batch: Int
    public var heads: Int
    public var queryLength: Int
    public var keyLength: Int
    public var headDim: Int

    public init(batch: Int, heads: Int, queryLength: Int, keyLength: Int, headDim: Int) {
        self.batch = batch
        self.heads = heads
        self.queryLength = queryLength
        self.keyLength = keyLength
        self.headDim = headDim
    }

    /// Rows of the score matrix: batch · heads · queryLength.
    public var scoreRows: Int { batch * heads * queryLength }
    /// Elements of the score matrix [B, heads, q, k].
    public var scoreCount: Int { scoreRows * keyLength }
}

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
        self.scores = scores
        self.keyMask = keyMask
        self.probabilities = probabilities
        self.dropout = dropout
        self.dropped = dropped
        self.scale = scale
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
        self.gradDropped = gradDropped
        self.probabilities = probabilities
        self.gradScores = gradScores
        self.dropout = dropout
        self.scale = scale
    }
}

/// How heads sit in a row-major activation: rows of `rowStride` floats, head h at columns h·headDim …
/// (`rowStride` = H for [B·S, H], 3H for one of Q/K/V inside the fused [B·S, 3H]).
public struct HeadLayout: Sendable, Equatable {
    public var batch: Int
    public var sequence: Int
    public var heads: Int
    public var headDim: Int
    public var rowStride: Int

    public init(batch: Int, sequence: Int, heads: Int, headDim: Int, rowStride: Int) {
        self.batch = batch
        self.sequence = sequence
        self.heads = heads
        self.headDim = headDim
        self.rowStride = rowStride
    }

    /// Elements of the [B, heads, S, headDim] side.
    public var headMajorCount: Int { batch * heads * sequence * headDim }
    /// Elements the row-major side spans from its view's start.
    public var rowMajorExtent: Int { batch * sequence == 0 ? 0 : (batch * sequence - 1) * rowStride + heads * headDim }
}

/// Buffers of the online-softmax attention forward (inference and recompute): never stores the score matrix.
public struct FlashAttentionForward {
    public var query: BufferView            // [B, heads, q, headDim]
    public var key: BufferView              // [B, heads, k, headDim]
    public var value: BufferView            // [B, heads, k, headDim]
    public var keyMask: BufferView?         // int32 [B, k]
    public var output: BufferView           // rows [B·q, outputRowStride], head h at columns h·headDim
    public var outputRowStride: Int
    public var dropout: DropoutConfig?
    public var scale: Float

    public init(query: BufferView, key: BufferView, value: BufferView, keyMask: BufferView?, output: BufferView,
                outputRowStride: Int, dropout: DropoutConfig? = nil, scale: Float) {
        self.query = query
        self.key = key
        self.value = value
        self.keyMask = keyMask
        self.output = output
        self.outputRowStride = outputRowStride
        self.dropout = dropout
        self.scale = scale
    }
}

/// Attention building blocks: the fused softmax pair, head layout changes, and the online-softmax forward.
public protocol AttentionOps {
    func attentionSoftmax(_ f: AttentionSoftmaxForward, shape: AttentionShape) throws
    func attentionSoftmaxBackward(_ b: AttentionSoftmaxBackward, shape: AttentionShape) throws
    /// Row-major [B·S, rowStride] (heads side by side) → head-major [B, heads, S, headDim].
    func splitHeads(_ x: BufferView, into out: BufferView, layout: HeadLayout) throws
    /// Head-major [B, heads, S, headDim] → row-major [B·S, rowStride] (other columns untouched).
    func mergeHeads(_ x: BufferView, into out: BufferView, layout: HeadLayout) throws
    func flashAttention(_ f: FlashAttentionForward, shape: AttentionShape) throws
}

extension AttentionShape {
    func validateMask(_ mask: BufferView?, _ op: String) throws {
        guard let mask else { return }
        guard mask.dtype == .int32 else { throw ComputeError.dtypeMismatch(operation: "\(op) keyMask", expected: .int32, got: mask.dtype) }
        guard mask.count == batch * keyLength else {
            throw ComputeError.shapeMismatch(operation: op,
                detail: "keyMask ('\(mask.label)') has \(mask.count) elements, expected batch·keyLength = \(batch * keyLength)")
        }
    }
}

extension AttentionSoftmaxForward {
    func validate(_ s: AttentionShape) throws {
        let op = "attentionSoftmax"
        try OpChecks.floats(op, count: s.scoreCount, ("scores", scores), ("probabilities", probabilities))
        try s.validateMask(keyMask, op)
        try dropout?.validate(op)
        if (dropout?.probability ?? 0) > 0 {
            guard let dropped else {
                throw ComputeError.shapeMismatch(operation: op, detail: "dropout needs a `dropped` buffer for dropout(P)")
            }
            try OpChecks.floats(op, count: s.scoreCount, ("dropped", dropped))
        }
    }
}

extension AttentionSoftmaxBackward {
    func validate(_ s: AttentionShape) throws {
        try OpChecks.floats("attentionSoftmaxBackward", count: s.scoreCount, ("gradDropped", gradDropped),
                            ("probabilities", probabilities), ("gradScores", gradScores))
        try dropout?.validate("attentionSoftmaxBackward")
    }
}

extension HeadLayout {
    func validate(rowMajor: BufferView, headMajor: BufferView, _ op: String) throws {
        guard rowStride >= heads * headDim else {
            throw ComputeError.shapeMismatch(operation: op, detail: "rowStride \(rowStride) < heads·headDim \(heads * headDim)")
        }
        try OpChecks.floats(op, count: headMajorCount, ("head-major", headMajor))
        guard rowMajor.dtype == .float32 else {
            throw ComputeError.dtypeMismatch(operation: op, expected: .float32, got: rowMajor.dtype)
        }
        guard rowMajorExtent <= rowMajor.count else {
            throw ComputeError.shapeMismatch(operation: op,
                detail: "row-major view ('\(rowMajor.label)') has \(rowMajor.count) elements, the layout spans \(rowMajorExtent)")
        }
    }
}

extension FlashAttentionForward {
    func validate(_ s: AttentionShape) throws {
        let op = "flashAttention"
        try OpChecks.floats(op, count: s.scoreRows * s.headDim, ("query", query))
        try OpChecks.floats(op, count: s.batch * s.heads * s.keyLength * s.headDim, ("key", key), ("value", value))
        try s.validateMask(keyMask, op)
        try dropout?.validate(op)
        let layout = HeadLayout(batch: s.batch, sequence: s.queryLength, heads: s.heads, headDim: s.headDim,
                                rowStride: outputRowStride)
        try layout.validate(rowMajor: output, headMajor: query, op)
    }
}
