import Compute

extension BertEncoder {
    /// Back-propagates from the gradients of the last hidden state ([T, H]) and of the pooled output ([B, H]);
    /// either may be nil (zero). Parameter gradients accumulate into `parameters.gradients`; the masks of the
    /// last `forward(dropout:)` are redrawn.
    public func backward(gradLastHidden: BufferView?, gradPooled: BufferView?) throws {
        guard mode == .training, let grads = layout.gradients else {
            throw ComputeError.shapeMismatch(operation: "backward", detail: "the encoder was created for inference")
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
        let n = BertParameterNames.self, h = config.hiddenSize
        let dPre = self[grads.pooled], dCls = self[grads.cls]              // [B, H]
        try device.tanhBackward(output: pooled, gradOutput: gradPooled, gradInput: dPre, role: "pooler tanh backward")
        try device.linearBackward(gradOutput: dPre, input: self[layout.cls], weight: try p(n.pooler("weight")),
                                  gradInput: dCls, gradWeight: try g(n.pooler("weight")), gradBias: try g(n.pooler("bias")),
                                  shape: LinearShape(rows: shape.batch, inFeatures: h, outFeatures: h), role: "pooler")
        // dOut[b, 0, :] += dCls[b, :]: gather the [CLS] rows, add, scatter back.
        let gathered = self[layout.cls]   // the forward's [CLS] rows are no longer needed
        try device.copyRows(dOut, stride: shape.sequence * h, into: gathered, stride: h, rows: shape.batch, columns: h,
                            role: "[CLS] gradient gather")
        try device.add(gathered, dCls, into: gathered, role: "[CLS] gradient")
        try device.copyRows(gathered, stride: h, into: dOut, stride: shape.sequence * h, rows: shape.batch, columns: h,
                            role: "[CLS] gradient scatter")
    }

    /// In: C = ∂L/∂(block output). Out: C = ∂L/∂h (LN1 output), A = ∂L/∂(LN2 input sum) consumed.
    private func feedForwardBackward(_ l: Int, _ grads: GradientSlots) throws {
        let n = BertParameterNames.self, s = layout.layers[l], h = config.hiddenSize, i = config.intermediateSize
        let dOut = self[grads.c], dSum = self[grads.a], dProj = self[grads.b]   // [T, H]
        let dInter = self[grads.intermediate]                                  // [T, I]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dOut, input: self[s.norm2Sum], mean: self[s.norm2Mean], rstd: self[s.norm2Rstd],
            gamma: try p(n.outputNorm(l, "weight")), gradInput: dSum, gradGamma: try g(n.outputNorm(l, "weight")),
            gradBeta: try g(n.outputNorm(l, "bias"))), shape: normShape, role: OpRole("FFN LayerNorm backward", layer: l))
        try outputDropoutBackward(.feedForwardOutput, layer: l, dSum, into: dProj,
                                  role: OpRole("FFN output dropout backward", layer: l))
        try device.linearBackward(gradOutput: dProj, input: self[s.ffnAct], weight: try p(n.output(l, "weight")),
                                  gradInput: dInter, gradWeight: try g(n.output(l, "weight")),
                                  gradBias: try g(n.output(l, "bias")),
                                  shape: LinearShape(rows: shape.tokens, inFeatures: i, outFeatures: h), role: OpRole("FFN2", layer: l))
        try device.geluBackward(input: self[s.ffnPre], gradOutput: dInter, gradInput: dInter, kind: config.activation,
                                role: OpRole("FFN GELU backward", layer: l))
        // ∂L/∂h = dInter·W1 + dSum (the residual path).
        try device.copy(dSum, to: dOut, role: OpRole("FFN residual gradient", layer: l))
        try device.linearBackward(gradOutput: dInter, input: self[s.norm1Out], weight: try p(n.intermediate(l, "weight")),
                                  gradInput: dOut, gradWeight: try g(n.intermediate(l, "weight")),
                                  gradBias: try g(n.intermediate(l, "bias")),
                                  shape: LinearShape(rows: shape.tokens, inFeatures: h, outFeatures: i), accumulateInput: true,
                                  role: OpRole("FFN1", layer: l))
    }

    /// In: C = ∂L/∂h. Out: C = ∂L/∂x_l (the block input).
    private func attentionBackward(_ l: Int, _ grads: GradientSlots) throws {
        let n = BertParameterNames.self, s = layout.layers[l], h = config.hiddenSize
        let S = shape.sequence, D = config.headSize, bh = shape.batch * config.numAttentionHeads
        let dOut = self[grads.c], dSum = self[grads.a], dProj = self[grads.b], dContextHeads = self[grads.e]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dOut, input: self[s.norm1Sum], mean: self[s.norm1Mean], rstd: self[s.norm1Rstd],
            gamma: try p(n.attentionNorm(l, "weight")), gradInput: dSum, gradGamma: try g(n.attentionNorm(l, "weight")),
            gradBeta: try g(n.attentionNorm(l, "bias"))), shape: normShape, role: OpRole("attention LayerNorm backward", layer: l))
        try outputDropoutBackward(.attentionOutput, layer: l, dSum, into: dProj,
                                  role: OpRole("attention output dropout backward", layer: l))
        let dContext = dOut                                                 // [T, H] (C is free now)
        try device.linearBackward(gradOutput: dProj, input: self[s.context], weight: try p(n.attentionOutput(l, "weight")),
                                  gradInput: dContext, gradWeight: try g(n.attentionOutput(l, "weight")),
                                  gradBias: try g(n.attentionOutput(l, "bias")),
                                  shape: LinearShape(rows: shape.tokens, inFeatures: h, outFeatures: h),
                                  role: OpRole("attention output", layer: l))
        try device.splitHeads(dContext, into: dContextHeads, layout: heads(rowStride: h), role: OpRole("dContext → heads", layer: l))
        guard let probabilitiesSlot = s.probabilities else { return }
        let probabilities = self[probabilitiesSlot]
        let drop = dropout?.config(.attentionProbabilities, layer: l)
        let dropped = drop == nil ? probabilities : (s.dropped.map { self[$0] } ?? probabilities)
        let dScores = self[grads.scores]                                    // [B, heads, S, S]
        try device.gemmStridedBatched(GEMMShape(m: S, n: S, k: D, transB: .transposed),      // dP = dC·Vᵀ
                                      batch: BatchStrides(count: bh, a: S * D, b: S * D, c: S * S),
                                      a: dContextHeads, b: self[s.v], c: dScores, role: OpRole("dP = dC·Vᵀ", layer: l))
        try device.gemmStridedBatched(GEMMShape(m: S, n: D, k: S, transA: .transposed),      // dV = Pᵀ·dC
                                      batch: BatchStrides(count: bh, a: S * S, b: S * D, c: S * D),
                                      a: dropped, b: dContextHeads, c: self[grads.dv], role: OpRole("dV = Pᵀ·dC", layer: l))
        try device.attentionSoftmaxBackward(AttentionSoftmaxBackward(
            gradDropped: dScores, probabilities: probabilities, gradScores: dScores, dropout: drop, scale: scale),
            shape: attentionShape, role: OpRole("softmax + dropout backward", layer: l))
        try device.gemmStridedBatched(GEMMShape(m: S, n: D, k: S),                          // dQ = dS·K
                                      batch: BatchStrides(count: bh, a: S * S, b: S * D, c: S * D),
                                      a: dScores, b: self[s.k], c: self[grads.dq], role: OpRole("dQ = dS·K", layer: l))
        try device.gemmStridedBatched(GEMMShape(m: S, n: D, k: S, transA: .transposed),      // dK = dSᵀ·Q
                                      batch: BatchStrides(count: bh, a: S * S, b: S * D, c: S * D),
                                      a: dScores, b: self[s.q], c: self[grads.dk], role: OpRole("dK = dSᵀ·Q", layer: l))
        let dQKV = self[grads.qkv]                                          // [T, 3H]
        let merge = heads(rowStride: 3 * h), toRows = OpRole("dQ, dK, dV → rows", layer: l)
        try device.mergeHeads(self[grads.dq], into: dQKV, layout: merge, role: toRows)
        try device.mergeHeads(self[grads.dk], into: try dQKV.slice(h, count: dQKV.count - h), layout: merge, role: toRows)
        try device.mergeHeads(self[grads.dv], into: try dQKV.slice(2 * h, count: dQKV.count - 2 * h), layout: merge, role: toRows)
        // ∂L/∂x = dQKV·Wqkv + dSum (the residual path).
        try device.copy(dSum, to: dOut, role: OpRole("attention residual gradient", layer: l))
        try device.linearBackward(gradOutput: dQKV, input: self[layout.input(l)],
                                  weight: try parameters.fusedQKV(parameters.values, layer: l, part: "weight"),
                                  gradInput: dOut, gradWeight: try parameters.fusedQKV(try gradientArena(), layer: l, part: "weight"),
                                  gradBias: try parameters.fusedQKV(try gradientArena(), layer: l, part: "bias"),
                                  shape: LinearShape(rows: shape.tokens, inFeatures: h, outFeatures: 3 * h),
                                  accumulateInput: true, role: OpRole("QKV", layer: l))
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
        let n = BertParameterNames.self, h = config.hiddenSize
        var dNorm = self[grads.c]                                           // ∂L/∂x_0
        if let drop = dropout?.config(.embeddings, layer: nil) {
            try device.dropoutBackward(dNorm, into: self[grads.b], config: drop, role: "embeddings dropout backward")
            dNorm = self[grads.b]
        }
        let dSum = self[grads.a]
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: dNorm, input: self[layout.embeddingSum], mean: self[layout.embeddingMean],
            rstd: self[layout.embeddingRstd], gamma: try p(n.embeddingNorm("weight")), gradInput: dSum,
            gradGamma: try g(n.embeddingNorm("weight")), gradBeta: try g(n.embeddingNorm("bias"))), shape: normShape,
            role: "embeddings LayerNorm backward")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.wordIndex, count: wordIndexCount),
                                  into: try g(n.wordEmbeddings), hidden: h, role: "word embedding gradient")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.positionIndex, count: positionIndexCount),
                                  into: try g(n.positionEmbeddings), hidden: h, role: "position embedding gradient")
        try device.scatterAddRows(dSum, index: try deviceIndex(layout.typeIndex, count: typeIndexCount),
                                  into: try g(n.typeEmbeddings), hidden: h, role: "type embedding gradient")
    }

    private func gradientArena() throws -> Arena {
        guard let gradients = parameters.gradients else {
            throw ComputeError.shapeMismatch(operation: "backward", detail: "the parameters were created without gradients")
        }
        return gradients
    }
}
