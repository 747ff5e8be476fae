import Compute

/// BERT's encoder (embeddings, transformer blocks, pooler) running on one device for batches up to a capacity
/// of batch × sequence.
///
/// Creating it allocates the whole activation arena from the size table (`EncoderLayout`) of its capacity;
/// `forward` and `backward` allocate nothing. Each batch may be smaller — fewer rows, or shorter sequences
/// (`setInputs(_:shape:)`): the ops then run on views of the same arena at that shape, so a batch of short
/// sequences costs only its own tokens. Parameter gradients accumulate (`+=`) across backward calls until
/// `ParameterStore.zeroGradients()`; activation gradients overwrite.
///
/// ```swift
/// let parameters = try ParameterStore(config: config, heads: .encoder, device: device, training: false)
/// try parameters.load(from: checkpoint)
/// let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: 8, sequence: 128), mode: .inference)
/// try encoder.setInputs(EncoderInputs(ids: ids, types: types, mask: mask))
/// try encoder.forward()
/// let last = try device.readFloats(encoder.hiddenState(config.numHiddenLayers))   // [8·128, H]
/// ```
public final class BertEncoder {
    public let parameters: ParameterStore
    /// Every parameter the encoder reads, resolved once by name when it is built.
    let tensors: EncoderParameters
    /// The largest batch × sequence the arena holds.
    public let capacity: EncoderShape
    /// The shape of the current batch (≤ `capacity` in both dimensions).
    public private(set) var shape: EncoderShape
    /// Per row of the current batch: one past its last real token (mask 1), 0 for an empty row.
    public private(set) var rowLengths: [Int] = []
    public let mode: EncoderMode
    /// Whether the last block computes every token or only the [CLS] rows (`EncoderOutput`).
    public let output: EncoderOutput
    /// The activation arena, planned for `capacity`.
    public var activations: Arena { window.arena }
    private let window: ShapedArena<EncoderShape>
    /// The size table of `capacity`; its slots name the same tensors at every shape.
    let layout: EncoderLayout
    public let device: any Device
    var config: BertConfig { parameters.config }
    var dropout: DropoutPlan?
    var wordIndexCount = 0, typeIndexCount = 0, positionIndexCount = 0
    private var memberCounts: [ArenaLayout.Slot: Int] = [:]

    /// Allocates the activations of runs up to `shape` in `mode`; in training, `policy` says which activations are
    /// kept for backward (and in which precision) and which are recomputed. `output` says which rows the last
    /// block computes (`.classToken` needs the pooler).
    public init(parameters: ParameterStore, shape: EncoderShape, mode: EncoderMode,
                policy: ActivationPolicy = .keepAll, output: EncoderOutput = .everyToken) throws {
        let config = parameters.config
        guard shape.batch > 0, shape.sequence > 0 else {
            throw ComputeError.shapeMismatch(operation: "encoder", detail: "batch and sequence must be positive")
        }
        guard shape.sequence <= config.maxPositionEmbeddings else {
            throw ComputeError.shapeMismatch(operation: "encoder",
                detail: "sequence length \(shape.sequence) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        guard mode == .inference || parameters.gradients != nil else {
            throw ComputeError.shapeMismatch(operation: "encoder", detail: "training needs parameters created with gradients")
        }
        guard output == .everyToken || parameters.heads.pooler else {
            throw ComputeError.shapeMismatch(operation: "encoder",
                detail: "computing only the [CLS] rows of the last block is for a pooled output; these parameters have no pooler")
        }
        self.output = output
        self.parameters = parameters
        tensors = try EncoderParameters(parameters)
        capacity = shape
        self.shape = shape
        self.mode = mode
        device = parameters.device
        let attentionDropout = config.attentionProbsDropoutProb > 0
        layout = EncoderLayout(config: config, shape: shape, mode: mode, attentionDropout: attentionDropout, policy: policy)
        window = try ShapedArena(device: device, capacity: shape,
                                 label: mode == .training ? "training activations" : "inference activations") {
            EncoderLayout(config: config, shape: $0, mode: mode, attentionDropout: attentionDropout, policy: policy).arena
        }
        if mode == .training { try uploadPositions() }
    }

    subscript(slot: ArenaLayout.Slot) -> BufferView { window.view(slot, at: shape) }

    /// Sets the shape of the batches that follow: at most `capacity` rows of at most `capacity.sequence` tokens.
    public func setShape(_ shape: EncoderShape) throws {
        guard shape != self.shape else { return }
        guard (1...capacity.batch).contains(shape.batch), (1...capacity.sequence).contains(shape.sequence) else {
            throw ComputeError.shapeMismatch(operation: "encoder",
                detail: "a batch of \(shape.batch) × \(shape.sequence) tokens does not fit the encoder's \(capacity.batch) × \(capacity.sequence)")
        }
        try window.check(shape)
        self.shape = shape
        if mode == .training { try uploadPositions() }
    }

    /// The position-embedding gradient's index (which tokens sit at each position) for the current shape.
    private func uploadPositions() throws {
        let positions = try ScatterIndex.positions(tokens: shape.tokens, sequence: shape.sequence)
        positionIndexCount = try upload(positions, to: layout.positionIndex)
    }

    /// What the run keeps for backward (always `.keepAll` in inference).
    public var policy: ActivationPolicy { layout.policy }

    /// Hidden state n: 0 = embeddings output, n = output of block n (n = L is the last hidden state). [T, H]
    /// With half-precision storage in training only the last one is kept after `forward`. With `output`
    /// `.classToken` the last one holds the [CLS] rows only, in its first B rows ([B, H]).
    public func hiddenState(_ n: Int) -> BufferView {
        self[n == config.numHiddenLayers ? layout.output(n - 1) : layout.input(n)]
    }
    /// The pooler's output tanh(dense(h[CLS])). [B, H]
    public var pooled: BufferView { self[layout.pooled] }

    // MARK: - Inputs

    /// Uploads a batch (row-major [B, S] ids, token types and attention mask) of `shape` (nil: the current
    /// shape). Ids are checked against the vocabulary and type tables first, so no kernel ever reads outside them.
    public func setInputs(_ inputs: EncoderInputs, shape: EncoderShape? = nil) throws {
        if let shape { try setShape(shape) }
        let t = self.shape.tokens
        guard inputs.ids.count == t, inputs.types.count == t, inputs.mask.count == t else {
            throw ComputeError.shapeMismatch(operation: "encoder inputs",
                detail: "ids/types/mask hold \(inputs.ids.count)/\(inputs.types.count)/\(inputs.mask.count) values, expected batch·sequence = \(t)")
        }
        // With a pad_token_id (HF configs) the padding row gets no gradient, as PyTorch's padding_idx; Google's
        // checkpoints name none and train every row.
        let words = try ScatterIndex.build(ids: inputs.ids, tableRows: config.vocabSize, table: "word",
                                           skipping: config.padTokenId.map(Int32.init))
        let types = try ScatterIndex.build(ids: inputs.types, tableRows: config.typeVocabSize, table: "token type")
        try device.write(inputs.ids, to: self[layout.ids])
        try device.write(inputs.types, to: self[layout.types])
        try device.write(inputs.mask, to: self[layout.mask])
        let s = self.shape.sequence
        rowLengths = (0..<self.shape.batch).map { r in
            (inputs.mask[r * s..<(r + 1) * s].lastIndex { $0 != 0 }).map { $0 - r * s + 1 } ?? 0
        }
        if mode == .training {
            wordIndexCount = try upload(words, to: layout.wordIndex)
            typeIndexCount = try upload(types, to: layout.typeIndex)
        }
    }

    private func upload(_ index: ScatterIndex, to slots: EncoderLayout.ScatterSlots) throws -> Int {
        let u = index.rows.count
        try device.write(index.rows, to: try self[slots.rows].slice(0, count: u))
        try device.write(index.offsets, to: try self[slots.offsets].slice(0, count: u + 1))
        try device.write(index.members, to: try self[slots.members].slice(0, count: index.members.count))
        memberCounts[slots.members] = index.members.count
        return u
    }

    func deviceIndex(_ slots: EncoderLayout.ScatterSlots, count: Int) throws -> DeviceScatterIndex {
        DeviceScatterIndex(rows: try self[slots.rows].slice(0, count: count),
                           offsets: try self[slots.offsets].slice(0, count: count + 1),
                           members: try self[slots.members].slice(0, count: memberCounts[slots.members] ?? 0))
    }

    // MARK: - Forward

    /// Runs the embeddings, every block and the pooler. `dropout` (training only) draws the masks; nil runs
    /// without dropout.
    public func forward(dropout: DropoutPlan? = nil) throws {
        self.dropout = mode == .training ? dropout : nil
        try embeddingsForward()
        for l in 0..<config.numHiddenLayers {
            try attentionForward(l)
            try feedForwardForward(l, output: self[layout.output(l)])
            for pair in layout.kept[l] {
                try device.convert(self[pair.working], into: self[pair.kept], role: OpRole("keep activations (half)", layer: l))
            }
        }
        if parameters.heads.pooler { try poolerForward() }
    }

    /// The pooler's parameters; throws for a model without a pooler.
    func pooler() throws -> DenseParameters {
        guard let pooler = tensors.pooler else {
            throw ComputeError.shapeMismatch(operation: "pooler", detail: "the model has no pooler")
        }
        return pooler
    }

    /// True for the last block when only its [CLS] rows are computed.
    func classOnly(_ l: Int) -> Bool { output == .classToken && l == config.numHiddenLayers - 1 }
    /// Rows block `l` computes after its QKV projection: B for the [CLS]-only last block, else T.
    func rows(_ l: Int) -> Int { classOnly(l) ? shape.batch : shape.tokens }
    /// Queries per sequence of block `l`'s attention: 1 ([CLS]) or S.
    func queryLength(_ l: Int) -> Int { classOnly(l) ? 1 : shape.sequence }
    /// The first rows × columns elements of a slot at the current shape.
    func view(_ slot: ArenaLayout.Slot, rows: Int, columns: Int) throws -> BufferView {
        try self[slot].slice(0, count: rows * columns)
    }
    /// Distance between consecutive [CLS] rows of the last hidden state (and its gradient).
    var classRowStride: Int { (output == .classToken ? 1 : shape.sequence) * config.hiddenSize }

    func normShape(rows: Int) -> LayerNormShape {
        LayerNormShape(rows: rows, columns: config.hiddenSize, epsilon: Float(config.layerNormEps))
    }
    func attentionShape(_ l: Int) -> AttentionShape {
        AttentionShape(batch: shape.batch, heads: config.numAttentionHeads, queryLength: queryLength(l),
                       keyLength: shape.sequence, headDim: config.headSize)
    }
    /// Heads of `sequence` rows per batch entry (default S) in rows `rowStride` apart.
    func heads(rowStride: Int, sequence: Int? = nil) -> HeadLayout {
        HeadLayout(batch: shape.batch, sequence: sequence ?? shape.sequence, heads: config.numAttentionHeads,
                   headDim: config.headSize, rowStride: rowStride)
    }
    /// The query heads of block `l` inside the fused QKV rows: every row, or row b·S (the [CLS]) of each sequence.
    func queryHeads(_ l: Int) -> HeadLayout {
        classOnly(l) ? heads(rowStride: shape.sequence * 3 * config.hiddenSize, sequence: 1) : heads(rowStride: 3 * config.hiddenSize)
    }
    var scale: Float { 1 / Float(config.headSize).squareRoot() }

    private func embeddingsForward() throws {
        try device.embedding(EmbeddingForward(
            ids: self[layout.ids], types: self[layout.types], word: tensors.word.value,
            position: tensors.position.value, type: tensors.type.value, output: self[layout.embeddingSum]),
            shape: EmbeddingShape(tokens: shape.tokens, sequence: shape.sequence, hidden: config.hiddenSize),
            role: "embeddings gather-sum")
        let drop = dropout?.config(.embeddings, layer: nil)
        let normOut = drop == nil ? hiddenState(0) : self[layout.embeddingOut]   // [T, H]
        try device.layerNorm(LayerNormForward(
            input: self[layout.embeddingSum], gamma: tensors.embeddingNorm.gamma.value, beta: tensors.embeddingNorm.beta.value,
            output: normOut, mean: self[layout.embeddingMean], rstd: self[layout.embeddingRstd]),
            shape: normShape(rows: shape.tokens), role: "embeddings LayerNorm")
        if let drop { try device.dropout(normOut, into: hiddenState(0), config: drop, role: "embeddings dropout") }
    }

    func attentionForward(_ l: Int) throws {
        let s = layout.layers[l], h = config.hiddenSize
        let r = rows(l), q = queryLength(l), bh = shape.batch * config.numAttentionHeads, D = config.headSize
        let x = self[layout.input(l)]                                     // [T, H]
        let qkv = self[layout.qkv]                                        // [T, 3H]
        try device.linear(x, tensors.layers[l].qkv, into: qkv,
                          shape: EncoderLinear.qkv.shape(rows: shape.tokens, config: config), role: OpRole(EncoderLinear.qkv.role, layer: l))
        let split = heads(rowStride: 3 * h), toHeads = OpRole("Q, K, V → heads", layer: l)
        let query = try view(s.q, rows: bh * q, columns: D)               // [B, heads, q, D]
        try device.splitHeads(qkv, into: query, layout: queryHeads(l), role: toHeads)
        try device.splitHeads(try qkv.slice(h, count: qkv.count - h), into: self[s.k], layout: split, role: toHeads)
        try device.splitHeads(try qkv.slice(2 * h, count: qkv.count - 2 * h), into: self[s.v], layout: split, role: toHeads)
        let context = try view(s.context, rows: r, columns: h)            // [r, H]
        if mode == .inference {
            try device.flashAttention(FlashAttentionForward(
                query: query, key: self[s.k], value: self[s.v], keyMask: self[layout.mask], output: context,
                outputRowStride: h, scale: scale), shape: attentionShape(l), role: OpRole("attention (online softmax)", layer: l))
        } else {
            try attentionCore(l)
        }
        let projection = try view(layout.projection, rows: r, columns: h)  // [r, H]
        try device.linear(context, tensors.layers[l].attentionOutput,
                          into: projection, shape: EncoderLinear.attentionOutput.shape(rows: r, config: config),
                          role: OpRole(EncoderLinear.attentionOutput.role, layer: l))
        // The residual: the block input, or (the [CLS]-only block) its [CLS] rows gathered into the QKV scratch,
        // free once the heads are split.
        var residual = x
        if classOnly(l) {
            residual = try qkv.slice(0, count: r * h)                     // [B, H]
            try device.copyRows(x, stride: shape.sequence * h, into: residual, stride: h, rows: r, columns: h,
                                role: OpRole("[CLS] rows of the last block's input", layer: l))
        }
        try device.layerNorm(LayerNormForward(
            input: projection, residual: residual, dropout: dropout?.config(.attentionOutput, layer: l),
            sum: try view(s.norm1Sum, rows: r, columns: h), gamma: tensors.layers[l].attentionNorm.gamma.value,
            beta: tensors.layers[l].attentionNorm.beta.value, output: try view(s.norm1Out, rows: r, columns: h),
            mean: try view(s.norm1Mean, rows: r, columns: 1), rstd: try view(s.norm1Rstd, rows: r, columns: 1)),
            shape: normShape(rows: r), role: OpRole("attention dropout + residual + LayerNorm", layer: l))
    }

    /// Unfused attention for training: scores = Q·Kᵀ, fused softmax (+dropout), context = P·V, merged.
    private func attentionCore(_ l: Int) throws {
        let s = layout.layers[l], S = shape.sequence, D = config.headSize, q = queryLength(l)
        let bh = shape.batch * config.numAttentionHeads
        guard let probabilities = try attentionProbabilities(l) else { return }   // [B, heads, q, S]
        let drop = dropout?.config(.attentionProbabilities, layer: l)
        let dropped = try s.dropped.map { try view($0, rows: bh * q, columns: S) } ?? probabilities
        let contextHeads = try view(layout.projection, rows: bh * q, columns: D)  // [B, heads, q, D] scratch
        try device.gemmStridedBatched(AttentionGEMM.context.shape(queries: q, keys: S, headSize: D),
                                      batch: AttentionGEMM.context.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: drop == nil ? probabilities : dropped, b: self[s.v], c: contextHeads,
                                      role: OpRole("P·V", layer: l))
        try device.mergeHeads(contextHeads, into: try view(s.context, rows: rows(l), columns: config.hiddenSize),
                              layout: heads(rowStride: config.hiddenSize, sequence: q), role: OpRole("context → rows", layer: l))
    }

    /// P = softmax(scale · Q·Kᵀ + mask) with its dropout applied into the `dropped` buffer; returns P (nil in
    /// inference). Backward calls it again under attention recompute: same inputs, same kernels, same result.
    func attentionProbabilities(_ l: Int) throws -> BufferView? {
        let s = layout.layers[l], S = shape.sequence, D = config.headSize, q = queryLength(l)
        let bh = shape.batch * config.numAttentionHeads
        guard let probabilitiesSlot = s.probabilities else { return nil }
        let probabilities = try view(probabilitiesSlot, rows: bh * q, columns: S)   // [B, heads, q, S]
        try device.gemmStridedBatched(AttentionGEMM.scores.shape(queries: q, keys: S, headSize: D),
                                      batch: AttentionGEMM.scores.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: try view(s.q, rows: bh * q, columns: D), b: self[s.k], c: probabilities,
                                      role: OpRole("Q·Kᵀ", layer: l))
        let drop = dropout?.config(.attentionProbabilities, layer: l)
        let dropped = try s.dropped.map { try view($0, rows: bh * q, columns: S) } ?? probabilities
        try device.attentionSoftmax(AttentionSoftmaxForward(
            scores: probabilities, keyMask: self[layout.mask], probabilities: probabilities, dropout: drop,
            dropped: drop == nil ? nil : dropped, scale: scale), shape: attentionShape(l),
            role: OpRole("scale + mask + softmax + dropout", layer: l))
        return probabilities
    }

    /// The feed-forward block of layer `l` on its rows (`rows(l)`), its LayerNorm output written to the first
    /// rows of `output` ([T, H]).
    func feedForwardForward(_ l: Int, output: BufferView) throws {
        let s = layout.layers[l], h = config.hiddenSize, i = config.intermediateSize, r = rows(l)
        let normIn = try view(s.norm1Out, rows: r, columns: h)                   // [r, H]
        let pre = try view(s.ffnPre, rows: r, columns: i), act = try view(s.ffnAct, rows: r, columns: i)   // [r, I]
        let projection = try view(layout.projection, rows: r, columns: h)        // [r, H]
        try device.linear(normIn, weight: tensors.layers[l].intermediate.weight.value, bias: nil, into: pre,
                          shape: EncoderLinear.ffn1.shape(rows: r, config: config), role: OpRole(EncoderLinear.ffn1.role, layer: l))
        try device.biasGELU(pre, bias: tensors.layers[l].intermediate.bias.value, into: act,
                            rows: r, columns: i, kind: config.activation, role: OpRole("FFN bias + GELU", layer: l))
        try device.linear(act, tensors.layers[l].output,
                          into: projection, shape: EncoderLinear.ffn2.shape(rows: r, config: config),
                          role: OpRole(EncoderLinear.ffn2.role, layer: l))
        try device.layerNorm(LayerNormForward(
            input: projection, residual: normIn, dropout: dropout?.config(.feedForwardOutput, layer: l),
            sum: try view(s.norm2Sum, rows: r, columns: h), gamma: tensors.layers[l].outputNorm.gamma.value,
            beta: tensors.layers[l].outputNorm.beta.value, output: try output.slice(0, count: r * h),
            mean: try view(s.norm2Mean, rows: r, columns: 1), rstd: try view(s.norm2Rstd, rows: r, columns: 1)),
            shape: normShape(rows: r), role: OpRole("FFN dropout + residual + LayerNorm", layer: l))
    }

    private func poolerForward() throws {
        let h = config.hiddenSize
        try device.copyRows(hiddenState(config.numHiddenLayers), stride: classRowStride, into: self[layout.cls],
                            stride: h, rows: shape.batch, columns: h, role: "[CLS] rows")
        try device.linear(self[layout.cls], try pooler(),
                          into: pooled, shape: EncoderLinear.pooler.shape(rows: shape.batch, config: config), role: OpRole(EncoderLinear.pooler.role))
        try device.tanh(pooled, into: pooled, role: "pooler tanh")
    }
}

/// One batch of encoder inputs, row-major [B, S].
public struct EncoderInputs: Sendable {
    public var ids: [Int32]
    public var types: [Int32]
    /// 1 = real token, 0 = padding.
    public var mask: [Int32]

    public init(ids: [Int32], types: [Int32], mask: [Int32]) {
        self.ids = ids
        self.types = types
        self.mask = mask
    }
}
