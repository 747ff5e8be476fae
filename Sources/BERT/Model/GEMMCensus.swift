import Compute

/// Every GEMM shape a training or inference step of the encoder runs, so the memory plan and the run reserve
/// the same GEMM temporary buffer (CLBlast's) before the first step and nothing is allocated inside one.
///
/// The list may hold a shape more than once; its maximum workspace is what counts. Attention's strided-batched
/// GEMMs are listed per matrix (what a device needing a temporary buffer runs them as).
public enum GEMMCensus {
    /// The GEMMs of a dense layer `y = x·Wᵀ + b` ([rows, inputs] → [rows, outputs]): forward, and in training
    /// dW = dyᵀ·x and dx = dy·W (`LinearShape.gemms`, what `Device.linear` and `linearBackward` run).
    public static func linear(rows: Int, inputs: Int, outputs: Int, training: Bool) -> [GEMMShape] {
        LinearShape(rows: rows, inFeatures: inputs, outFeatures: outputs).gemms(training: training)
    }

    /// The encoder's GEMMs (embeddings have none), from the tables its code runs: per layer each `EncoderLinear`
    /// at T rows, attention's `AttentionGEMM` forms per matrix in training, and the pooler; with `output`
    /// `.classToken` also the last block's at one row (query) per sequence.
    public static func encoder(config c: BertConfig, shape s: EncoderShape, training: Bool, pooler: Bool,
                               output: EncoderOutput = .everyToken) -> [GEMMShape] {
        let blocks: [EncoderLinear] = [.qkv, .attentionOutput, .ffn1, .ffn2]
        var shapes = blocks.flatMap { $0.shape(rows: s.tokens, config: c).gemms(training: training) }
        if training { shapes += attention(config: c, sequence: s.sequence, queries: s.sequence) }
        if output == .classToken {
            // The [CLS]-only last block: its QKV still runs at T rows; the rest at B rows, one query per sequence.
            shapes += [EncoderLinear.attentionOutput, .ffn1, .ffn2].flatMap { $0.shape(rows: s.batch, config: c).gemms(training: training) }
            if training { shapes += attention(config: c, sequence: s.sequence, queries: 1) }
        }
        if pooler { shapes += EncoderLinear.pooler.shape(rows: s.batch, config: c).gemms(training: training) }
        return shapes
    }

    /// One matrix of each attention form a training step runs at `queries` queries per sequence.
    private static func attention(config c: BertConfig, sequence S: Int, queries q: Int) -> [GEMMShape] {
        AttentionGEMM.allCases.map { $0.shape(queries: q, keys: S, headSize: c.headSize) }
    }

    /// Attention's strided-batched GEMMs of a training step as whole batches (`AttentionGEMM`: Q·Kᵀ and dP; P·V
    /// and dQ; dV and dK), for a device whose scratch covers a whole batch (the CPU backend's bf16 operands). With
    /// `output` `.classToken` also the last block's, at one query per sequence.
    public static func attentionBatches(config c: BertConfig, shape s: EncoderShape, training: Bool,
                                        output: EncoderOutput = .everyToken) -> [(shape: GEMMShape, batch: BatchStrides)] {
        guard training else { return [] }
        let S = s.sequence, D = c.headSize, bh = s.batch * c.numAttentionHeads
        let queries = output == .classToken ? [S, 1] : [S]
        return queries.flatMap { q in
            AttentionGEMM.allCases.map {
                ($0.shape(queries: q, keys: S, headSize: D), $0.strides(queries: q, keys: S, headSize: D, matrices: bh))
            }
        }
    }

    /// The GEMM temporary buffer `shapes` (and whole `batches`) need on `device`: the largest any of them may need.
    public static func workspaceBytes(_ shapes: [GEMMShape], batches: [(shape: GEMMShape, batch: BatchStrides)] = [],
                                      on device: any Device) throws -> Int {
        let plain = try shapes.reduce(0) { max($0, try device.gemmWorkspaceBytes($1)) }
        return try batches.reduce(plain) { max($0, try device.batchedGEMMWorkspaceBytes($1.shape, batch: $1.batch)) }
    }
}
