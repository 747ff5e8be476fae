// Attention's head layout changes and the online-softmax forward (inference and recompute), with the shape types
// the attention ops share: descriptors, checks, their calls (cost, replay) and the device sugar (the fused softmax
// pair has a file of its own beside this one). Bodies: Attention+CPU.swift, Attention+OpenCL.swift
// (Kernels/attention.cl).

/// Sizes of one attention: batch, heads, query and key lengths, and the per-head width.
public struct AttentionShape: Sendable, Hashable {
    public var batch: Int
    public var heads: Int
    public var queryLength: Int
    public var keyLength: Int
    public var headDim: Int

    public init(batch: Int, heads: Int, queryLength: Int, keyLength: Int, headDim: Int) {
        (self.batch, self.heads, self.queryLength, self.keyLength, self.headDim)
            = (batch, heads, queryLength, keyLength, headDim)
    }

    /// Rows of the score matrix: batch · heads · queryLength.
    public var scoreRows: Int { batch * heads * queryLength }
    /// Elements of the score matrix [B, heads, q, k].
    public var scoreCount: Int { scoreRows * keyLength }
}

/// How heads sit in a row-major activation: rows of `rowStride` floats, head h at columns h·headDim …
/// (`rowStride` = H for [B·S, H], 3H for one of Q/K/V inside the fused [B·S, 3H]).
public struct HeadLayout: Sendable, Hashable {
    public var batch: Int
    public var sequence: Int
    public var heads: Int
    public var headDim: Int
    public var rowStride: Int

    public init(batch: Int, sequence: Int, heads: Int, headDim: Int, rowStride: Int) {
        (self.batch, self.sequence, self.heads, self.headDim, self.rowStride)
            = (batch, sequence, heads, headDim, rowStride)
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
        (self.query, self.key, self.value, self.keyMask, self.output, self.outputRowStride, self.dropout, self.scale)
            = (query, key, value, keyMask, output, outputRowStride, dropout, scale)
    }
}

extension AttentionShape {
    func validateMask(_ mask: BufferView?, _ op: OpName) throws {
        guard let mask else { return }
        guard mask.dtype == .int32 else { throw ComputeError.dtypeMismatch(operation: "\(op) keyMask", expected: .int32, got: mask.dtype) }
        guard mask.count == batch * keyLength else {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                detail: "keyMask ('\(mask.label)') has \(mask.count) elements, expected batch·keyLength = \(batch * keyLength)")
        }
    }
}

extension HeadLayout {
    func validate(rowMajor: BufferView, headMajor: BufferView, _ op: OpName) throws {
        guard rowStride >= heads * headDim else {
            throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "rowStride \(rowStride) < heads·headDim \(heads * headDim)")
        }
        try OpChecks.floats(op, count: headMajorCount, ("head-major", headMajor))
        guard rowMajor.dtype == .float32 else {
            throw ComputeError.dtypeMismatch(operation: op.rawValue, expected: .float32, got: rowMajor.dtype)
        }
        guard rowMajorExtent <= rowMajor.count else {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                detail: "row-major view ('\(rowMajor.label)') has \(rowMajor.count) elements, the layout spans \(rowMajorExtent)")
        }
    }
}

extension FlashAttentionForward {
    func validate(_ s: AttentionShape) throws {
        let op = OpName.flashAttention
        try OpChecks.floats(op, count: s.scoreRows * s.headDim, ("query", query))
        try OpChecks.floats(op, count: s.batch * s.heads * s.keyLength * s.headDim, ("key", key), ("value", value))
        try s.validateMask(keyMask, op)
        try dropout?.validate(op)
        let layout = HeadLayout(batch: s.batch, sequence: s.queryLength, heads: s.heads, headDim: s.headDim,
                                rowStride: outputRowStride)
        try layout.validate(rowMajor: output, headMajor: query, op)
    }
}

/// Row-major [B·S, rowStride] (heads side by side) → head-major [B, heads, S, headDim] (`.split`), or back
/// (`.merge`, other columns of the row-major side untouched).
public struct HeadLayoutOp: DeviceOp {
    /// Which way the heads move.
    public enum Direction: Sendable, Hashable {
        case split
        case merge

        /// The op's name: `splitHeads` or `mergeHeads`.
        public var name: OpName { self == .split ? .splitHeads : .mergeHeads }
    }

    public var direction: Direction
    /// The source: row-major for `.split`, head-major for `.merge`.
    public var x, out: BufferView
    public var layout: HeadLayout

    public var call: OpCall { OpCall(Call(direction: direction, layout: layout)) }
    public func validate() throws {
        switch direction {
        case .split: try layout.validate(rowMajor: x, headMajor: out, direction.name)
        case .merge: try layout.validate(rowMajor: out, headMajor: x, direction.name)
        }
    }

    public struct Call: OpCallKind {
        public var direction: Direction
        public var layout: HeadLayout
        public var name: OpName { direction.name }
        public var shape: String {
            "[\(layout.batch), \(layout.heads), \(layout.sequence), \(layout.headDim)] row stride \(layout.rowStride)"
        }
        public var cost: OpCost { OpCost(bytes: Double(8 * layout.headMajorCount), formula: "8·B·h·S·D (read, write)") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (rowMajor, headMajor) = (layout.rowMajorExtent, layout.headMajorCount)
            let x = try d.floats(direction == .split ? rowMajor : headMajor, direction == .split ? "row-major" : "head-major")
            let out = try d.output(direction == .split ? headMajor : rowMajor, direction == .split ? "head-major" : "row-major")
            return d.prepared(self, HeadLayoutOp(direction: direction, x: x, out: out, layout: layout), outputs: [("out", out)],
                              atol: 0, rtol: 0)
        }
    }
}

/// Online-softmax attention (see `FlashAttentionForward`): never stores the score matrix.
public struct FlashAttentionOp: DeviceOp {
    public var arguments: FlashAttentionForward
    public var shape: AttentionShape

    public var call: OpCall {
        OpCall(Call(attention: shape, mask: arguments.keyMask != nil, dropout: (arguments.dropout?.probability ?? 0) > 0,
                    outputRowStride: arguments.outputRowStride))
    }
    public func validate() throws { try arguments.validate(shape) }

    public struct Call: OpCallKind {
        public var attention: AttentionShape
        public var mask, dropout: Bool
        public var outputRowStride: Int

        public var name: OpName { .flashAttention }
        public var shape: String {
            let s = attention
            return "[\(s.batch), \(s.heads), \(s.queryLength)/\(s.keyLength), \(s.headDim)]" + (mask ? " mask" : "")
                + (dropout ? " dropout" : "") + " out stride \(outputRowStride)"
        }
        public var cost: OpCost {
            let s = attention
            return OpCost(bytes: Double(8 * s.scoreRows * s.headDim + 8 * s.batch * s.heads * s.keyLength * s.headDim
                                        + (mask ? 4 * s.batch * s.keyLength : 0)),
                          formula: "16·B·h·S·D (read Q, K, V; write O) + 4·B·k (mask)",
                          flops: 4 * Double(s.batch * s.heads) * Double(s.queryLength) * Double(s.keyLength) * Double(s.headDim))
        }
        public var launchKnob: LaunchKnob? { .flash(headDim: attention.headDim) }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let s = attention, kv = s.batch * s.heads * s.keyLength * s.headDim
            let forward = FlashAttentionForward(
                query: try d.floats(s.scoreRows * s.headDim, "Q"), key: try d.floats(kv, "K"), value: try d.floats(kv, "V"),
                keyMask: mask ? try d.mask(batch: s.batch, keys: s.keyLength) : nil,
                output: try d.output((s.batch * s.queryLength - 1) * outputRowStride + s.heads * s.headDim, "O"),   // [B·q, stride]
                outputRowStride: outputRowStride, dropout: dropout ? d.dropout : nil,
                scale: 1 / Float(s.headDim).squareRoot())
            return d.prepared(self, FlashAttentionOp(arguments: forward, shape: s), outputs: [("O", forward.output)],
                              atol: 1e-5, rtol: 1e-4)
        }
    }
}

extension OpCall {
    public static func splitHeads(_ layout: HeadLayout) -> OpCall { OpCall(HeadLayoutOp.Call(direction: .split, layout: layout)) }
    public static func mergeHeads(_ layout: HeadLayout) -> OpCall { OpCall(HeadLayoutOp.Call(direction: .merge, layout: layout)) }
    public static func flashAttention(_ shape: AttentionShape, mask: Bool, dropout: Bool, outputRowStride: Int) -> OpCall {
        OpCall(FlashAttentionOp.Call(attention: shape, mask: mask, dropout: dropout, outputRowStride: outputRowStride))
    }
}

extension Device {
    /// Row-major [B·S, rowStride] (heads side by side) → head-major [B, heads, S, headDim].
    public func splitHeads(_ x: BufferView, into out: BufferView, layout: HeadLayout, role: OpRole = .unnamed) throws {
        try execute(HeadLayoutOp(direction: .split, x: x, out: out, layout: layout), role: role)
    }

    /// Head-major [B, heads, S, headDim] → row-major [B·S, rowStride] (other columns untouched).
    public func mergeHeads(_ x: BufferView, into out: BufferView, layout: HeadLayout, role: OpRole = .unnamed) throws {
        try execute(HeadLayoutOp(direction: .merge, x: x, out: out, layout: layout), role: role)
    }

    /// Online-softmax attention forward (`FlashAttentionOp`).
    public func flashAttention(_ f: FlashAttentionForward, shape: AttentionShape, role: OpRole = .unnamed) throws {
        try execute(FlashAttentionOp(arguments: f, shape: shape), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let splitHeads = OpName("splitHeads"), mergeHeads = OpName("mergeHeads"),
        flashAttention = OpName("flashAttention")
}
