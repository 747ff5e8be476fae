import Compute

/// Every GEMM shape a training or inference step of the encoder runs, so the memory plan and the run reserve
/// the same GEMM temporary buffer (CLBlast's) before the first step and nothing is allocated inside one.
///
/// The list may hold a shape more than once; its maximum workspace is what counts. Attention's strided-batched
/// GEMMs are listed per matrix (what a device needing a temporary buffer runs them as).
public enum GEMMCensus {
    /// The GEMMs of a dense layer `y = x·Wᵀ + b` ([rows, inputs] → [rows, outputs]): forward, and in training
    /// dW = dyᵀ·x and dx = dy·W.
    public static func linear(rows: Int, inputs: Int, outputs: Int, training: Bool) -> [GEMMShape] {
        let forward = GEMMShape(m: rows, n: outputs, k: inputs, transB: .transposed)
        guard training else { return [forward] }
        return [forward, GEMMShape(m: outputs, n: inputs, k: rows, transA: .transposed, beta: 1),
                GEMMShape(m: rows, n: inputs, k: outputs)]
    }

    /// The encoder's GEMMs (embeddings have none): per layer the fused QKV, attention output and the two
    /// feed-forward projections, attention's Q·Kᵀ and P·V (and their gradients in training), and the pooler;
    /// with `output` `.classToken` also the last block's at one row (query) per sequence.
    public static func encoder(config c: BertConfig, shape s: EncoderShape, training: Bool, pooler: Bool,
                               output: EncoderOutput = .everyToken) -> [GEMMShape] {
        let t = s.tokens, h = c.hiddenSize, i = c.intermediateSize, S = s.sequence, D = c.headSize
        var shapes = linear(rows: t, inputs: h, outputs: 3 * h, training: training)
            + linear(rows: t, inputs: h, outputs: h, training: training)
            + linear(rows: t, inputs: h, outputs: i, training: training)
            + linear(rows: t, inputs: i, outputs: h, training: training)
        if training {
            shapes += [GEMMShape(m: S, n: S, k: D, transB: .transposed), GEMMShape(m: S, n: D, k: S),
                       GEMMShape(m: S, n: D, k: S, transA: .transposed)]
        }
        if output == .classToken {
            let b = s.batch
            shapes += linear(rows: b, inputs: h, outputs: h, training: training)
                + linear(rows: b, inputs: h, outputs: i, training: training)
                + linear(rows: b, inputs: i, outputs: h, training: training)
            if training {
                shapes += [GEMMShape(m: 1, n: S, k: D, transB: .transposed), GEMMShape(m: 1, n: D, k: S),
                           GEMMShape(m: S, n: D, k: 1, transA: .transposed)]
            }
        }
        if pooler { shapes += linear(rows: s.batch, inputs: h, outputs: h, training: training) }
        return shapes
    }

    /// Attention's strided-batched GEMMs of a training step as whole batches (Q·Kᵀ and dP = dC·Vᵀ; P·V and dQ = dS·K;
    /// dV = Pᵀ·dC and dK = dSᵀ·Q), for a device whose scratch covers a whole batch (the CPU backend's bf16 operands).
    /// With `output` `.classToken` also the last block's, at one query per sequence.
    public static func attentionBatches(config c: BertConfig, shape s: EncoderShape, training: Bool,
                                        output: EncoderOutput = .everyToken) -> [(shape: GEMMShape, batch: BatchStrides)] {
        guard training else { return [] }
        let S = s.sequence, D = c.headSize, bh = s.batch * c.numAttentionHeads
        let queries = output == .classToken ? [S, 1] : [S]
        return queries.flatMap { q in
            [(GEMMShape(m: q, n: S, k: D, transB: .transposed), BatchStrides(count: bh, a: q * D, b: S * D, c: q * S)),
             (GEMMShape(m: q, n: D, k: S), BatchStrides(count: bh, a: q * S, b: S * D, c: q * D)),
             (GEMMShape(m: S, n: D, k: q, transA: .transposed), BatchStrides(count: bh, a: q * S, b: q * D, c: S * D))]
        }
    }

    /// The GEMM temporary buffer `shapes` (and whole `batches`) need on `device`: the largest any of them may need.
    public static func workspaceBytes(_ shapes: [GEMMShape], batches: [(shape: GEMMShape, batch: BatchStrides)] = [],
                                      on device: any Device) throws -> Int {
        let plain = try shapes.reduce(0) { max($0, try device.gemmWorkspaceBytes($1)) }
        return try batches.reduce(plain) { max($0, try device.batchedGEMMWorkspaceBytes($1.shape, batch: $1.batch)) }
    }
}
