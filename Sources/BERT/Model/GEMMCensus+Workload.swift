import Compute

extension GEMMCensus {
    /// The GEMMs of one training step of the encoder with how often each runs — what `bert-prof tune` tunes
    /// CLBlast for. Per layer: each dense layer's forward, dW and dx GEMMs (fused QKV [T, 3H, H], attention
    /// output [T, H, H], FFN [T, I, H] and [T, H, I], T = batch · sequence), and attention's strided-batched
    /// GEMMs over batch · heads matrices: [S, S, D] with Bᵀ (scores, and dP in backward), [S, D, S] (context,
    /// dQ) and [S, D, S] with Aᵀ (dV, dK). Calls count all layers (with every activation kept; recompute
    /// policies run some forward GEMMs again).
    public static func trainingWorkload(config c: BertConfig, shape s: EncoderShape) -> [WeightedGEMM] {
        let layers = c.numHiddenLayers, S = s.sequence, D = c.headSize, heads = s.batch * c.numAttentionHeads
        let blocks: [EncoderLinear] = [.qkv, .attentionOutput, .ffn1, .ffn2]
        var workload = blocks.flatMap { layer in
            zip(["forward", "dW", "dx"], layer.shape(rows: s.tokens, config: c).gemms(training: true)).map { pass, shape in
                WeightedGEMM(shape, calls: layers, label: "\(layer.role) \(pass)")
            }
        }
        workload += AttentionGEMM.allCases.map {
            WeightedGEMM($0.shape(queries: S, keys: S, headSize: D), batch: heads, calls: 2 * layers,
                         label: "attention " + $0.roles.joined(separator: ", "))
        }
        return workload
    }
}
