// Replays of LayerNorm, embedding and attention calls.

extension OpReplay {
    static func layers(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        let device = d.device
        switch call {
        case let .layerNorm(r, c, residual, dropout, storesSum):
            let shape = LayerNormShape(rows: r, columns: c)
            let input = try d.floats(r * c, "input")                                  // [r, c]
            let forward = LayerNormForward(
                input: input, residual: residual ? try d.floats(r * c, "residual") : nil,
                dropout: dropout ? d.dropout : nil, sum: storesSum ? try d.output(r * c, "sum") : nil,
                gamma: try d.floats(c, "gamma", 0.5, 1.5), beta: try d.floats(c, "beta"),   // [c]
                output: try d.output(r * c, "output"), mean: try d.output(r, "mean"), rstd: try d.output(r, "rstd"))
            var outputs = [("output", forward.output), ("mean", forward.mean), ("rstd", forward.rstd)]
            if let sum = forward.sum { outputs.append(("sum", sum)) }
            return PreparedOp(call: call, run: { try device.layerNorm(forward, shape: shape) }, outputs: outputs,
                              atol: 1e-5, rtol: 1e-5)
        case let .layerNormBackward(r, c):
            let backward = LayerNormBackward(
                gradOutput: try d.floats(r * c, "dy"), input: try d.floats(r * c, "v"),  // [r, c]
                mean: try d.floats(r, "mean", -0.1, 0.1), rstd: try d.floats(r, "rstd", 0.5, 2),   // [r]
                gamma: try d.floats(c, "gamma", 0.5, 1.5), gradInput: try d.output(r * c, "dx"),
                gradGamma: try d.floats(c, "dgamma"), gradBeta: try d.floats(c, "dbeta"))   // [c]
            return PreparedOp(call: call, run: { try device.layerNormBackward(backward, shape: LayerNormShape(rows: r, columns: c)) },
                              outputs: [("dx", backward.gradInput), ("dgamma", backward.gradGamma), ("dbeta", backward.gradBeta)],
                              atol: 1e-4, rtol: 1e-4)
        case let .embedding(s, wordRows, positionRows, typeRows):
            let forward = EmbeddingForward(
                ids: try d.ints(s.tokens, below: wordRows, "ids"), types: try d.ints(s.tokens, below: typeRows, "types"),
                word: try d.floats(wordRows * s.hidden, "word table"),                 // [V, H]
                position: try d.floats(positionRows * s.hidden, "position table"),     // [P, H]
                type: try d.floats(typeRows * s.hidden, "type table"),                 // [Tv, H]
                output: try d.output(s.tokens * s.hidden, "output"))                   // [tokens, H]
            return PreparedOp(call: call, run: { try device.embedding(forward, shape: s) }, outputs: [("output", forward.output)],
                              atol: 1e-6, rtol: 1e-6)
        case let .scatterAddRows(tokens, hidden, unique, tableRows):
            // `unique` distinct rows spread over the table, each read by tokens t ≡ u (mod unique).
            let spacing = max(1, tableRows / max(unique, 1))
            let ids = (0..<tokens).map { Int32(($0 % max(unique, 1)) * spacing) }
            let index = try ScatterIndex.build(ids: ids, tableRows: tableRows, table: "replay")
            let deviceIndex = DeviceScatterIndex(rows: try device.upload(index.rows, label: "replay index rows"),
                                                 offsets: try device.upload(index.offsets, label: "replay index offsets"),
                                                 members: try device.upload(index.members, label: "replay index members"))
            let gradOutput = try d.floats(tokens * hidden, "dy")                      // [tokens, H]
            let grad = try d.floats(tableRows * hidden, "table grad")                 // [table rows, H]
            return PreparedOp(call: call, run: { try device.scatterAddRows(gradOutput, index: deviceIndex, into: grad, hidden: hidden) },
                              outputs: [("grad", grad)], atol: 1e-5, rtol: 1e-5)
        default:
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not a layer call")
        }
    }

    static func attention(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        let device = d.device
        switch call {
        case let .attentionSoftmax(s, mask, dropped):
            let forward = AttentionSoftmaxForward(
                scores: try d.floats(s.scoreCount, "scores", -4, 4), keyMask: mask ? try d.mask(batch: s.batch, keys: s.keyLength) : nil,
                probabilities: try d.output(s.scoreCount, "probabilities"), dropout: dropped ? d.dropout : nil,
                dropped: dropped ? try d.output(s.scoreCount, "dropped") : nil, scale: 0.125)   // [B, h, q, k]
            var outputs = [("probabilities", forward.probabilities)]
            if let out = forward.dropped { outputs.append(("dropped", out)) }
            return PreparedOp(call: call, run: { try device.attentionSoftmax(forward, shape: s) }, outputs: outputs,
                              atol: 1e-6, rtol: 1e-5)
        case let .attentionSoftmaxBackward(s, dropout):
            let backward = AttentionSoftmaxBackward(
                gradDropped: try d.floats(s.scoreCount, "dP"), probabilities: try d.floats(s.scoreCount, "P", 0, 0.05),
                gradScores: try d.output(s.scoreCount, "dS"), dropout: dropout ? d.dropout : nil, scale: 0.125)   // [B, h, q, k]
            return PreparedOp(call: call, run: { try device.attentionSoftmaxBackward(backward, shape: s) },
                              outputs: [("dS", backward.gradScores)], atol: 1e-6, rtol: 1e-5)
        case let .splitHeads(l):
            let x = try d.floats(l.rowMajorExtent, "row-major"), out = try d.output(l.headMajorCount, "head-major")
            return PreparedOp(call: call, run: { try device.splitHeads(x, into: out, layout: l) }, outputs: [("out", out)],
                              atol: 0, rtol: 0)
        case let .mergeHeads(l):
            let x = try d.floats(l.headMajorCount, "head-major"), out = try d.output(l.rowMajorExtent, "row-major")
            return PreparedOp(call: call, run: { try device.mergeHeads(x, into: out, layout: l) }, outputs: [("out", out)],
                              atol: 0, rtol: 0)
        case let .flashAttention(s, mask, dropout, stride):
            let kv = s.batch * s.heads * s.keyLength * s.headDim
            let forward = FlashAttentionForward(
                query: try d.floats(s.scoreRows * s.headDim, "Q"), key: try d.floats(kv, "K"), value: try d.floats(kv, "V"),
                keyMask: mask ? try d.mask(batch: s.batch, keys: s.keyLength) : nil,
                output: try d.output((s.batch * s.queryLength - 1) * stride + s.heads * s.headDim, "O"),   // [B·q, stride]
                outputRowStride: stride, dropout: dropout ? d.dropout : nil,
                scale: 1 / Float(s.headDim).squareRoot())
            return PreparedOp(call: call, run: { try device.flashAttention(forward, shape: s) }, outputs: [("O", forward.output)],
                              atol: 1e-5, rtol: 1e-4)
        default:
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not an attention call")
        }
    }
}
