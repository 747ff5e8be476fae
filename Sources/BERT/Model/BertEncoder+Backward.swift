import Compute

/// The gradients of the encoder's outputs that a head read: of the last hidden state ([T, H]) and of the pooled
/// output ([B, H]); nil = zero (the head did not read it). A head's backward returns them and the caller passes them
/// to `BertEncoder.backward(_:)`, so the trainer drives the encoder's forward and backward alike.
public struct EncoderGradients {
    /// ∂L/∂(last hidden state) [T, H], nil when the head read only the pooled output.
    public var lastHidden: BufferView?
    /// ∂L/∂(pooled output) [B, H], nil when the head did not read it.
    public var pooled: BufferView?

    public init(lastHidden: BufferView? = nil, pooled: BufferView? = nil) {
        self.lastHidden = lastHidden
        self.pooled = pooled
    }
}

extension BertEncoder {
    /// Back-propagates a head's `EncoderGradients` (see `backward(gradLastHidden:gradPooled:)`).
    public func backward(_ gradients: EncoderGradients) throws {
        try backward(gradLastHidden: gradients.lastHidden, gradPooled: gradients.pooled)
    }

    /// Back-propagates from the gradients of the last hidden state ([T, H]) and of the pooled output ([B, H]);
    /// either may be nil (zero; with `output` `.classToken` the last hidden state's must be). Parameter gradients
    /// accumulate into `parameters.gradients`; the masks of the last `forward(dropout:)` are redrawn.
    public func backward(gradLastHidden: BufferView?, gradPooled: BufferView?) throws {
        guard mode == .training, let grads = layout.gradients else {
            throw ComputeError.shapeMismatch(operation: "backward", detail: "the encoder was created for inference")
        }
        guard output == .everyToken || gradLastHidden == nil else {
            throw ComputeError.shapeMismatch(operation: "backward",
                detail: "the encoder computes only the [CLS] rows of its last block (output .classToken); a gradient of every token's last hidden state needs .everyToken")
        }
        let dOut = self[grads.c]                                           // [T, H] ∂L/∂(last hidden)
        if let gradLastHidden {
            try device.copy(gradLastHidden, to: dOut, role: "∂L/∂last hidden")
        } else {
            try device.fill(dOut, value: 0, role: "∂L/∂last hidden = 0")
        }
        if let gradPooled, parameters.heads.pooler { try poolerBackward(gradPooled, into: dOut, grads) }
        for l in stride(from: config.numHiddenLayers - 1, through: 0, by: -1) {
            try restoreLayer(l, grads)
            try feedForwardBackward(l, grads)      // dOut (C) → ∂L/∂h in C
            try attentionBackward(l, grads)        // C → ∂L/∂x_l in C
        }
        try embeddingsBackward(grads)
    }

    /// Brings back what layer `l`'s backward reads: unpacks its kept half-precision tensors, then recomputes
    /// what the policy did not keep — the attention probabilities, or the whole layer from its input (the
    /// recomputed output goes to gradient scratch B, free until the feed-forward backward).
    private func restoreLayer(_ l: Int, _ grads: GradientSlots) throws {
        for pair in layout.kept[l] {
            try device.convert(self[pair.kept], into: self[pair.working], role: OpRole("restore activations (half)", layer: l))
        }
        switch layout.policy.recompute {
        case .none: break
        case .attention: _ = try attentionProbabilities(l)
        case .layer:
            try attentionForward(l)
            try feedForwardForward(l, output: self[grads.b])
        }
    }

    private func poolerBackward(_ gradPooled: BufferView, into dOut: BufferView, _ grads: GradientSlots) throws {
        let h = config.hiddenSize
        let dPre = self[grads.pooled], dCls = self[grads.cls]              // [B, H]
        try device.tanhBackward(output: pooled, gradOutput: gradPooled, gradInput: dPre, role: "pooler tanh backward")
        try device.linearBackward(gradOutput: dPre, input: self[layout.cls], try pooler(), gradInput: dCls,
                                  shape: EncoderLinear.pooler.shape(rows: shape.batch, config: config), role: OpRole(EncoderLinear.pooler.role))
        // dOut[b, 0, :] += dCls[b, :]: gather the [CLS] rows, add, scatter back.
        let gathered = self[layout.cls]   // the forward's [CLS] rows are no longer needed
        try device.copyRows(dOut, stride: classRowStride, into: gathered, stride: h, rows: shape.batch, columns: h,
                            role: "[CLS] gradient gather")
        try device.add(gathered, dCls, into: gathered, role: "[CLS] gradient")
        try device.copyRows(gathered, stride: h, into: dOut, stride: classRowStride, rows: shape.batch, columns: h,
                            role: "[CLS] gradient scatter")
    }

    /// In: C = ∂L/∂(block output). Out: C = ∂L/∂h (LN1 output), A = ∂L/∂(LN2 input sum) consumed. On the
    /// block's rows (`rows(l)`).
    private func feedForwardBackward(_ l: Int, _ grads: GradientSlots) throws {
        let s = layout.layers[l], h = config.hiddenSize, i = config.intermediateSize, r = rows(l)
        let dOut = try view(grads.c, rows: r, columns: h), dSum = try view(grads.a, rows: r, columns: h)
        let dProj = try view(grads.b, rows: r, columns: h)                            // [r, H]
        let dInter = try view(grads.intermediate, rows: r, columns: i)                // [r, I]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dOut, input: try view(s.norm2Sum, rows: r, columns: h), mean: try view(s.norm2Mean, rows: r, columns: 1),
            rstd: try view(s.norm2Rstd, rows: r, columns: 1), gamma: tensors.layers[l].outputNorm.gamma.value, gradInput: dSum,
            gradGamma: try tensors.layers[l].outputNorm.gamma.gradient(), gradBeta: try tensors.layers[l].outputNorm.beta.gradient()),
            shape: normShape(rows: r), role: OpRole("FFN LayerNorm backward", layer: l))
        try outputDropoutBackward(.feedForwardOutput, layer: l, dSum, into: dProj,
                                  role: OpRole("FFN output dropout backward", layer: l))
        try device.linearBackward(gradOutput: dProj, input: try view(s.ffnAct, rows: r, columns: i),
                                  tensors.layers[l].output, gradInput: dInter,
                                  shape: EncoderLinear.ffn2.shape(rows: r, config: config), role: OpRole(EncoderLinear.ffn2.role, layer: l))
        try device.geluBackward(input: try view(s.ffnPre, rows: r, columns: i), gradOutput: dInter, gradInput: dInter,
                                kind: config.activation, role: OpRole("FFN GELU backward", layer: l))
        // ∂L/∂h = dInter·W1 + dSum (the residual path).
        try device.copy(dSum, to: dOut, role: OpRole("FFN residual gradient", layer: l))
        try device.linearBackward(gradOutput: dInter, input: try view(s.norm1Out, rows: r, columns: h),
                                  tensors.layers[l].intermediate, gradInput: dOut,
                                  shape: EncoderLinear.ffn1.shape(rows: r, config: config), accumulateInput: true,
                                  role: OpRole(EncoderLinear.ffn1.role, layer: l))
    }

    /// In: C = ∂L/∂h (the block's rows). Out: C = ∂L/∂x_l (the block input, every row).
    private func attentionBackward(_ l: Int, _ grads: GradientSlots) throws {
        let s = layout.layers[l], h = config.hiddenSize, r = rows(l), q = queryLength(l)
        let S = shape.sequence, D = config.headSize, bh = shape.batch * config.numAttentionHeads
        let dOut = try view(grads.c, rows: r, columns: h), dSum = try view(grads.a, rows: r, columns: h)
        let dProj = try view(grads.b, rows: r, columns: h)                             // [r, H]
        let dContextHeads = try view(grads.e, rows: bh * q, columns: D)                // [B, heads, q, D]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dOut, input: try view(s.norm1Sum, rows: r, columns: h), mean: try view(s.norm1Mean, rows: r, columns: 1),
            rstd: try view(s.norm1Rstd, rows: r, columns: 1), gamma: tensors.layers[l].attentionNorm.gamma.value, gradInput: dSum,
            gradGamma: try tensors.layers[l].attentionNorm.gamma.gradient(), gradBeta: try tensors.layers[l].attentionNorm.beta.gradient()),
            shape: normShape(rows: r), role: OpRole("attention LayerNorm backward", layer: l))
        try outputDropoutBackward(.attentionOutput, layer: l, dSum, into: dProj,
                                  role: OpRole("attention output dropout backward", layer: l))
        let dContext = dOut                                                 // [r, H] (C is free now)
        try device.linearBackward(gradOutput: dProj, input: try view(s.context, rows: r, columns: h),
                                  tensors.layers[l].attentionOutput, gradInput: dContext,
                                  shape: EncoderLinear.attentionOutput.shape(rows: r, config: config),
                                  role: OpRole(EncoderLinear.attentionOutput.role, layer: l))
        try device.splitHeads(dContext, into: dContextHeads, layout: heads(rowStride: h, sequence: q),
                              role: OpRole("dContext → heads", layer: l))
        guard let probabilitiesSlot = s.probabilities else { return }
        let probabilities = try view(probabilitiesSlot, rows: bh * q, columns: S)      // [B, heads, q, S]
        let drop = dropout?.config(.attentionProbabilities, layer: l)
        let dropped = drop == nil ? probabilities : (try s.dropped.map { try view($0, rows: bh * q, columns: S) } ?? probabilities)
        let dScores = try view(grads.scores, rows: bh * q, columns: S)                 // [B, heads, q, S]
        let query = try view(s.q, rows: bh * q, columns: D)                            // [B, heads, q, D]
        let dQuery = try view(grads.dq, rows: bh * q, columns: D)
        try device.gemmStridedBatched(AttentionGEMM.scores.shape(queries: q, keys: S, headSize: D),        // dP = dC·Vᵀ
                                      batch: AttentionGEMM.scores.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: dContextHeads, b: self[s.v], c: dScores, role: OpRole("dP = dC·Vᵀ", layer: l))
        try device.gemmStridedBatched(AttentionGEMM.keyGradient.shape(queries: q, keys: S, headSize: D),   // dV = Pᵀ·dC
                                      batch: AttentionGEMM.keyGradient.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: dropped, b: dContextHeads, c: self[grads.dv], role: OpRole("dV = Pᵀ·dC", layer: l))
        try device.attentionSoftmaxBackward(AttentionSoftmaxBackward(
            gradDropped: dScores, probabilities: probabilities, gradScores: dScores, dropout: drop, scale: scale),
            shape: attentionShape(l), role: OpRole("softmax + dropout backward", layer: l))
        try device.gemmStridedBatched(AttentionGEMM.context.shape(queries: q, keys: S, headSize: D),       // dQ = dS·K
                                      batch: AttentionGEMM.context.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: dScores, b: self[s.k], c: dQuery, role: OpRole("dQ = dS·K", layer: l))
        try device.gemmStridedBatched(AttentionGEMM.keyGradient.shape(queries: q, keys: S, headSize: D),   // dK = dSᵀ·Q
                                      batch: AttentionGEMM.keyGradient.strides(queries: q, keys: S, headSize: D, matrices: bh),
                                      a: dScores, b: query, c: self[grads.dk], role: OpRole("dK = dSᵀ·Q", layer: l))
        let dQKV = self[grads.qkv]                                          // [T, 3H]
        let merge = heads(rowStride: 3 * h), toRows = OpRole("dQ, dK, dV → rows", layer: l)
        if classOnly(l) {   // only the [CLS] rows have a query gradient
            try device.fill(dQKV, value: 0, role: OpRole("dQ of the non-[CLS] rows = 0", layer: l))
        }
        try device.mergeHeads(dQuery, into: dQKV, layout: queryHeads(l), role: toRows)
        try device.mergeHeads(self[grads.dk], into: try dQKV.slice(h, count: dQKV.count - h), layout: merge, role: toRows)
        try device.mergeHeads(self[grads.dv], into: try dQKV.slice(2 * h, count: dQKV.count - 2 * h), layout: merge, role: toRows)
        // ∂L/∂x = dQKV·Wqkv + dSum (the residual path; only the [CLS] rows' in the [CLS]-only block).
        let dInput = self[grads.c]                                          // [T, H]
        if classOnly(l) {
            try device.fill(dInput, value: 0, role: OpRole("attention residual gradient of the non-[CLS] rows = 0", layer: l))
            try device.copyRows(dSum, stride: h, into: dInput, stride: S * h, rows: r, columns: h,
                                role: OpRole("attention residual gradient", layer: l))
        } else {
            try device.copy(dSum, to: dInput, role: OpRole("attention residual gradient", layer: l))
        }
        try device.linearBackward(gradOutput: dQKV, input: self[layout.input(l)],
                                  tensors.layers[l].qkv, gradInput: dInput,
                                  shape: EncoderLinear.qkv.shape(rows: shape.tokens, config: config),
                                  accumulateInput: true, role: OpRole(EncoderLinear.qkv.role, layer: l))
    }

    /// `dProj` = the gradient through a sublayer output's dropout at `site` (a copy of `dSum` without dropout).
    private func outputDropoutBackward(_ site: DropoutPlan.Site, layer l: Int, _ dSum: BufferView, into dProj: BufferView,
                                       role: OpRole) throws {
        if let drop = dropout?.config(site, layer: l) {
            try device.dropoutBackward(dSum, into: dProj, config: drop, role: role)
        } else {
            try device.copy(dSum, to: dProj, role: role)
        }
    }

    private func embeddingsBackward(_ grads: GradientSlots) throws {
        let h = config.hiddenSize
        var dNorm = self[grads.c]                                           // ∂L/∂x_0
        if let drop = dropout?.config(.embeddings, layer: nil) {
            try device.dropoutBackward(dNorm, into: self[grads.b], config: drop, role: "embeddings dropout backward")
            dNorm = self[grads.b]
        }
        let dSum = self[grads.a]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dNorm, input: self[layout.embeddingSum], mean: self[layout.embeddingMean],
            rstd: self[layout.embeddingRstd], gamma: tensors.embeddingNorm.gamma.value, gradInput: dSum,
            gradGamma: try tensors.embeddingNorm.gamma.gradient(), gradBeta: try tensors.embeddingNorm.beta.gradient()), shape: normShape(rows: shape.tokens),
            role: "embeddings LayerNorm backward")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.wordIndex, count: wordIndexCount),
                                  into: try tensors.word.gradient(), hidden: h, role: "word embedding gradient")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.positionIndex, count: positionIndexCount),
                                  into: try tensors.position.gradient(), hidden: h, role: "position embedding gradient")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.typeIndex, count: typeIndexCount),
                                  into: try tensors.type.gradient(), hidden: h, role: "type embedding gradient")
    }
}
