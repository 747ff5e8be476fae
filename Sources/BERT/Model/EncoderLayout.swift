import Compute

/// Batch and sequence length of one encoder run.
public struct EncoderShape: Sendable, Equatable {
    public var batch: Int
    public var sequence: Int

    public init(batch: Int, sequence: Int) {
        self.batch = batch
        self.sequence = sequence
    }

    /// batch · sequence.
    public var tokens: Int { batch * sequence }
}

/// Whether a run keeps what backward needs.
public enum EncoderMode: Sendable, Equatable {
    /// Forward only: attention by the online-softmax kernel, layer scratch shared, every hidden state kept.
    case inference
    /// Forward and backward: every activation backward reads is kept per layer, plus gradient scratch.
    case training
}

/// One transformer block's saved tensors (in inference, every block shares one set).
struct LayerSlots {
    let q, k, v: ArenaLayout.Slot                // [B, heads, S, D] each
    let probabilities: ArenaLayout.Slot?         // [B, heads, S, S] softmax (training)
    let dropped: ArenaLayout.Slot?               // [B, heads, S, S] after dropout (training with attention dropout)
    let context: ArenaLayout.Slot                // [T, H] merged heads
    let norm1Sum, norm1Out: ArenaLayout.Slot     // [T, H]: x + drop(attention), LN1 output h
    let norm1Mean, norm1Rstd: ArenaLayout.Slot   // [T]
    let ffnPre, ffnAct: ArenaLayout.Slot         // [T, I]: pre-activation (bias added), GELU output
    let norm2Sum: ArenaLayout.Slot               // [T, H]: h + drop(ffn)
    let norm2Mean, norm2Rstd: ArenaLayout.Slot   // [T]
}

/// Gradient scratch of a training run (shared by all layers).
struct GradientSlots {
    let a, b, c, e: ArenaLayout.Slot             // [T, H]
    let dq, dk, dv: ArenaLayout.Slot             // [B, heads, S, D]
    let intermediate: ArenaLayout.Slot           // [T, I]
    let scores: ArenaLayout.Slot                 // [B, heads, S, S]
    let qkv: ArenaLayout.Slot                    // [T, 3H]
    let pooled, cls: ArenaLayout.Slot            // [B, H]
}

/// The size table of an encoder run: every activation tensor for (config, batch, sequence, mode), in order.
/// `arena.place(maxChunkBytes:)` gives its exact footprint — the memory planner's input.
public struct EncoderLayout {
    public private(set) var arena = ArenaLayout()
    let ids, types, mask: ArenaLayout.Slot                       // int32 [T], [T], [T]
    let wordIndex, typeIndex, positionIndex: ScatterSlots        // CSR indices for the embedding gradients
    let embeddingSum, embeddingOut: ArenaLayout.Slot             // [T, H]: word+pos+type, LN output before dropout
    let embeddingMean, embeddingRstd: ArenaLayout.Slot           // [T]
    let hidden: [ArenaLayout.Slot]                               // L + 1 × [T, H]: embeddings, then each layer's output
    let layers: [LayerSlots]
    let qkv, projection: ArenaLayout.Slot                        // [T, 3H], [T, H] scratch
    let cls, pooled: ArenaLayout.Slot                            // [B, H]
    let gradients: GradientSlots?

    struct ScatterSlots {
        let rows, offsets, members: ArenaLayout.Slot
    }

    public init(config c: BertConfig, shape s: EncoderShape, mode: EncoderMode, attentionDropout: Bool) {
        var a = ArenaLayout()
        let t = s.tokens, h = c.hiddenSize, i = c.intermediateSize, b = s.batch
        let scores = s.batch * c.numAttentionHeads * s.sequence * s.sequence
        let training = mode == .training
        ids = a.reserve(t, .int32, label: "input ids")
        types = a.reserve(t, .int32, label: "token type ids")
        mask = a.reserve(t, .int32, label: "attention mask")
        func scatter(_ name: String) -> ScatterSlots {
            ScatterSlots(rows: a.reserve(training ? t : 0, .int32, label: "\(name) index rows"),
                         offsets: a.reserve(training ? t + 1 : 0, .int32, label: "\(name) index offsets"),
                         members: a.reserve(training ? t : 0, .int32, label: "\(name) index members"))
        }
        wordIndex = scatter("word")
        typeIndex = scatter("token type")
        positionIndex = scatter("position")
        embeddingSum = a.reserve(t * h, label: "embedding sum")
        embeddingOut = a.reserve(training ? t * h : 0, label: "embedding LayerNorm output")
        embeddingMean = a.reserve(t, label: "embedding LayerNorm mean")
        embeddingRstd = a.reserve(t, label: "embedding LayerNorm rstd")
        hidden = (0...c.numHiddenLayers).map { a.reserve(t * h, label: "hidden state \($0)") }
        func layer(_ n: String) -> LayerSlots {
            LayerSlots(q: a.reserve(t * h, label: "\(n) query"), k: a.reserve(t * h, label: "\(n) key"),
                       v: a.reserve(t * h, label: "\(n) value"),
                       probabilities: training ? a.reserve(scores, label: "\(n) attention probabilities") : nil,
                       dropped: training && attentionDropout ? a.reserve(scores, label: "\(n) attention probabilities after dropout") : nil,
                       context: a.reserve(t * h, label: "\(n) attention context"),
                       norm1Sum: a.reserve(t * h, label: "\(n) attention residual sum"),
                       norm1Out: a.reserve(t * h, label: "\(n) attention LayerNorm output"),
                       norm1Mean: a.reserve(t, label: "\(n) attention LayerNorm mean"),
                       norm1Rstd: a.reserve(t, label: "\(n) attention LayerNorm rstd"),
                       ffnPre: a.reserve(t * i, label: "\(n) intermediate pre-activation"),
                       ffnAct: a.reserve(t * i, label: "\(n) intermediate activation"),
                       norm2Sum: a.reserve(t * h, label: "\(n) output residual sum"),
                       norm2Mean: a.reserve(t, label: "\(n) output LayerNorm mean"),
                       norm2Rstd: a.reserve(t, label: "\(n) output LayerNorm rstd"))
        }
        if training {
            layers = (0..<c.numHiddenLayers).map { layer("layer \($0)") }
        } else {
            layers = Array(repeating: layer("layer (shared)"), count: c.numHiddenLayers)
        }
        qkv = a.reserve(t * 3 * h, label: "query/key/value projection")
        projection = a.reserve(t * h, label: "projection scratch")
        cls = a.reserve(b * h, label: "[CLS] rows")
        pooled = a.reserve(b * h, label: "pooled output")
        if training {
            gradients = GradientSlots(
                a: a.reserve(t * h, label: "gradient scratch A"), b: a.reserve(t * h, label: "gradient scratch B"),
                c: a.reserve(t * h, label: "gradient scratch C"), e: a.reserve(t * h, label: "gradient scratch E"),
                dq: a.reserve(t * h, label: "query gradient"), dk: a.reserve(t * h, label: "key gradient"),
                dv: a.reserve(t * h, label: "value gradient"),
                intermediate: a.reserve(t * i, label: "intermediate gradient"),
                scores: a.reserve(scores, label: "attention score gradient"),
                qkv: a.reserve(t * 3 * h, label: "query/key/value gradient"),
                pooled: a.reserve(b * h, label: "pooled gradient"), cls: a.reserve(b * h, label: "[CLS] gradient"))
        } else {
            gradients = nil
        }
        arena = a
    }
}
