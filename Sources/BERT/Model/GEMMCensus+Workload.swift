import Compute

extension GEMMCensus {
    /// The GEMMs of one training step of the encoder with how often each runs — what `bert-prof tune` tunes
    /// CLBlast for. Per layer: each dense layer's forward, dW and dx GEMMs (fused QKV [T, 3H, H], attention
    /// output [T, H, H], FFN [T, I, H] and [T, H, I], T = batch · sequence), and attention's strided-batched
    /// GEMMs over batch · heads matrices: [S, S, D] with Bᵀ (scores, and dP in backward), [S, D, S] (context,
    /// dQ) and [S, D, S] with Aᵀ (dV, dK). Calls count all layers (with every activation kept; recompute
    /// policies run some forward GEMMs again).
    public static func trainingWorkload(config c: BertConfig, shape s: EncoderShape) -> [WeightedGEMM] {
        let layers = c.numHiddenLayers, t = s.tokens, h = c.hiddenSize, i = c.intermediateSize
        let S = s.sequence, D = c.headSize, heads = s.batch * c.numAttentionHeads
        let dense: [(String, [GEMMShape])] = [
            ("QKV", linear(rows: t, inputs: h, outputs: 3 * h, training: true)),
            ("attention output", linear(rows: t, inputs: h, outputs: h, training: true)),
            ("FFN in", linear(rows: t, inputs: h, outputs: i, training: true)),
            ("FFN out", linear(rows: t, inputs: i, outputs: h, training: true)),
        ]
        var workload = dense.flatMap { name, shapes in
            zip(["forward", "dW", "dx"], shapes).map { pass, shape in
                WeightedGEMM(shape, calls: layers, label: "\(name) \(pass)")
            }
        }
        workload += [
            WeightedGEMM(GEMMShape(m: S, n: S, k: D, transB: .transposed), batch: heads, calls: 2 * layers,
                         label: "attention Q·Kᵀ, dP"),
            WeightedGEMM(GEMMShape(m: S, n: D, k: S), batch: heads, calls: 2 * layers, label: "attention P·V, dQ"),
            WeightedGEMM(GEMMShape(m: S, n: D, k: S, transA: .transposed), batch: heads, calls: 2 * layers,
                         label: "attention dV, dK"),
        ]
        return workload
    }
}
