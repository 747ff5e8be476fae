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
    /// Forward and backward: what backward reads is kept per layer as the `ActivationPolicy` says, plus
    /// gradient scratch.
    case training
}

/// One transformer block's tensors as the block computes them (float32). Depending on the policy they are
/// the layer's own kept tensors or a working set shared by all layers.
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

/// A float32 working tensor and where it is kept (in half or float32) between a layer's forward and backward.
struct KeptPair {
    let working: ArenaLayout.Slot
    let kept: ArenaLayout.Slot
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

/// The size table of an encoder run: every activation tensor for (config, batch, sequence, mode, policy), in
/// order, each tagged with what it is for. `arena.place(maxChunkBytes:)` gives its exact footprint — the
/// memory planner's input.
public struct EncoderLayout {
    /// What a tensor of the table is for (the memory plan's rows).
    public enum Category: String, Sendable, CaseIterable {
        /// Token ids, types, mask and the embedding-gradient indices.
        case inputs = "inputs and embedding-gradient indices"
        /// The embedding block's kept tensors.
        case embeddings = "embedding activations"
        /// Tensors kept from a layer's forward for its backward (per layer).
        case kept = "kept activations"
        /// The float32 tensors one layer computes into when layers share them (recompute or half storage).
        case working = "recompute/unpack working set (one layer)"
        /// The attention-probability buffers shared by all layers under attention recompute.
        case attention = "attention workspace (one layer's S×S)"
        /// Activation gradients, shared by all layers.
        case gradients = "activation gradients"
        /// Projection scratch, [CLS] rows, pooled output, the hidden-state buffers layers pass on.
        case scratch = "hidden states and scratch"
    }

    /// One tensor's tag: its category, what kind of tensor it is, and its layer (kept tensors).
    public struct Tag: Sendable {
        public let category: Category
        public let kind: String
        public let layer: Int?
    }

    public private(set) var arena = ArenaLayout()
    /// One tag per entry of `arena`.
    public private(set) var tags: [Tag] = []
    public let policy: ActivationPolicy
    let ids, types, mask: ArenaLayout.Slot                       // int32 [T], [T], [T]
    let wordIndex, typeIndex, positionIndex: ScatterSlots        // CSR indices for the embedding gradients
    let embeddingSum, embeddingOut: ArenaLayout.Slot             // [T, H]: word+pos+type, LN output before dropout
    let embeddingMean, embeddingRstd: ArenaLayout.Slot           // [T]
    /// float32 hidden states [T, H]: L + 1 (embeddings, then each layer's output) when layer inputs are kept
    /// in float32, else two alternating layer inputs and the last hidden state.
    let hidden: [ArenaLayout.Slot]
    /// Half-precision copies of each layer's input (half storage in training), else empty.
    let keptInputs: [ArenaLayout.Slot]
    let layers: [LayerSlots]
    /// Per layer: what to pack after its forward and unpack before its backward (half storage).
    let kept: [[KeptPair]]
    let qkv, projection: ArenaLayout.Slot                        // [T, 3H], [T, H] scratch
    let cls, pooled: ArenaLayout.Slot                            // [B, H]
    let gradients: GradientSlots?
    let layerCount: Int

    struct ScatterSlots {
        let rows, offsets, members: ArenaLayout.Slot
    }

    public init(config c: BertConfig, shape s: EncoderShape, mode: EncoderMode, attentionDropout: Bool,
                policy: ActivationPolicy = .keepAll) {
        var a = ArenaLayout()
        var tags: [Tag] = []
        func reserve(_ count: Int, _ label: String, _ category: Category, _ kind: String, dtype: DType = .float32,
                     layer: Int? = nil) -> ArenaLayout.Slot {
            tags.append(Tag(category: category, kind: kind, layer: layer))
            return a.reserve(count, dtype, label: label)
        }
        let t = s.tokens, h = c.hiddenSize, i = c.intermediateSize, b = s.batch, L = c.numHiddenLayers
        let scores = s.batch * c.numAttentionHeads * s.sequence * s.sequence
        let training = mode == .training
        let policy = training ? policy : .keepAll
        self.policy = policy
        layerCount = L
        ids = reserve(t, "input ids", .inputs, "token ids", dtype: .int32)
        types = reserve(t, "token type ids", .inputs, "token ids", dtype: .int32)
        mask = reserve(t, "attention mask", .inputs, "token ids", dtype: .int32)
        func scatter(_ name: String) -> ScatterSlots {
            ScatterSlots(rows: reserve(training ? t : 0, "\(name) index rows", .inputs, "embedding-gradient indices", dtype: .int32),
                         offsets: reserve(training ? t + 1 : 0, "\(name) index offsets", .inputs, "embedding-gradient indices", dtype: .int32),
                         members: reserve(training ? t : 0, "\(name) index members", .inputs, "embedding-gradient indices", dtype: .int32))
        }
        wordIndex = scatter("word")
        typeIndex = scatter("token type")
        positionIndex = scatter("position")
        embeddingSum = reserve(t * h, "embedding sum", .embeddings, "embedding sum")
        embeddingOut = reserve(training ? t * h : 0, "embedding LayerNorm output", .embeddings, "embedding LayerNorm output")
        embeddingMean = reserve(t, "embedding LayerNorm mean", .embeddings, "LayerNorm statistics")
        embeddingRstd = reserve(t, "embedding LayerNorm rstd", .embeddings, "LayerNorm statistics")

        let halfInputs = training && policy.storage == .float16
        if halfInputs {
            hidden = [reserve(t * h, "layer input A", .scratch, "hidden states"),
                      reserve(t * h, "layer input B", .scratch, "hidden states"),
                      reserve(t * h, "hidden state \(L)", .scratch, "hidden states")]
            keptInputs = (0..<L).map { reserve(t * h, "layer \($0) input (half)", .kept, "layer inputs", dtype: policy.storage.dtype, layer: $0) }
        } else {
            hidden = (0...L).map {
                training && $0 < L ? reserve(t * h, "hidden state \($0)", .kept, "layer inputs", layer: $0)
                                   : reserve(t * h, "hidden state \($0)", .scratch, "hidden states")
            }
            keptInputs = []
        }

        // The probability buffers: per layer when kept, shared when attention is recomputed.
        let keepsProbabilities = training && policy.recompute == .none
        func probabilitySlots(_ name: String, _ category: Category, layer: Int?) -> (ArenaLayout.Slot?, ArenaLayout.Slot?) {
            guard training else { return (nil, nil) }
            let p = reserve(scores, "\(name) attention probabilities", category, "attention probabilities", layer: layer)
            let d = attentionDropout ? reserve(scores, "\(name) attention probabilities after dropout", category,
                                               "attention probabilities", layer: layer) : nil
            return (p, d)
        }
        func layerSlots(_ name: String, _ category: Category, layer: Int?,
                        probabilities: (ArenaLayout.Slot?, ArenaLayout.Slot?)?) -> LayerSlots {
            func r(_ count: Int, _ label: String, _ kind: String) -> ArenaLayout.Slot {
                reserve(count, "\(name) \(label)", category, kind, layer: layer)
            }
            let q = r(t * h, "query", "query/key/value"), k = r(t * h, "key", "query/key/value"),
                v = r(t * h, "value", "query/key/value")
            let (p, d) = probabilities ?? probabilitySlots(name, category, layer: layer)
            return LayerSlots(q: q, k: k, v: v, probabilities: p, dropped: d,
                              context: r(t * h, "attention context", "attention context"),
                              norm1Sum: r(t * h, "attention residual sum", "residual sums"),
                              norm1Out: r(t * h, "attention LayerNorm output", "LayerNorm outputs"),
                              norm1Mean: r(t, "attention LayerNorm mean", "LayerNorm statistics"),
                              norm1Rstd: r(t, "attention LayerNorm rstd", "LayerNorm statistics"),
                              ffnPre: r(t * i, "intermediate pre-activation", "intermediate (pre-activation, GELU)"),
                              ffnAct: r(t * i, "intermediate activation", "intermediate (pre-activation, GELU)"),
                              norm2Sum: r(t * h, "output residual sum", "residual sums"),
                              norm2Mean: r(t, "output LayerNorm mean", "LayerNorm statistics"),
                              norm2Rstd: r(t, "output LayerNorm rstd", "LayerNorm statistics"))
        }

        var kept = [[KeptPair]](repeating: [], count: L)
        if !training {
            layers = Array(repeating: layerSlots("layer (shared)", .scratch, layer: nil, probabilities: nil), count: L)
        } else if policy.storage == .float32 && policy.recompute != .layer {
            // Each layer computes straight into its own kept tensors; attention recompute shares the S×S ones.
            let shared = keepsProbabilities ? nil : probabilitySlots("shared", .attention, layer: nil)
            layers = (0..<L).map { layerSlots("layer \($0)", .kept, layer: $0, probabilities: shared) }
        } else {
            let working = layerSlots("working", .working, layer: nil, probabilities: nil)
            layers = Array(repeating: working, count: L)
            if policy.storage == .float16 && policy.recompute != .layer {
                // Pack what backward reads into per-layer half copies (statistics stay float32).
                for l in 0..<L {
                    func keep(_ slot: ArenaLayout.Slot?, half: Bool = true) {
                        guard let slot else { return }
                        let entry = a.entries[slot.index], old = tags[slot.index]
                        let copy = reserve(entry.count, "layer \(l) \(entry.label.dropFirst(8))", .kept, old.kind,
                                           dtype: half ? policy.storage.dtype : .float32, layer: l)
                        kept[l].append(KeptPair(working: slot, kept: copy))
                    }
                    let w = working
                    for slot in [w.q, w.k, w.v, w.context, w.norm1Sum, w.norm1Out, w.ffnPre, w.ffnAct, w.norm2Sum] { keep(slot) }
                    if keepsProbabilities { keep(w.probabilities); keep(w.dropped) }
                    for slot in [w.norm1Mean, w.norm1Rstd, w.norm2Mean, w.norm2Rstd] { keep(slot, half: false) }
                }
            }
        }
        if halfInputs {
            for l in 0..<L { kept[l].insert(KeptPair(working: hidden[l % 2], kept: keptInputs[l]), at: 0) }
        }
        self.kept = kept

        qkv = reserve(t * 3 * h, "query/key/value projection", .scratch, "projection scratch")
        projection = reserve(t * h, "projection scratch", .scratch, "projection scratch")
        cls = reserve(b * h, "[CLS] rows", .scratch, "pooler")
        pooled = reserve(b * h, "pooled output", .scratch, "pooler")
        if training {
            func g(_ count: Int, _ label: String) -> ArenaLayout.Slot { reserve(count, label, .gradients, label) }
            gradients = GradientSlots(
                a: g(t * h, "gradient scratch A"), b: g(t * h, "gradient scratch B"),
                c: g(t * h, "gradient scratch C"), e: g(t * h, "gradient scratch E"),
                dq: g(t * h, "query gradient"), dk: g(t * h, "key gradient"), dv: g(t * h, "value gradient"),
                intermediate: g(t * i, "intermediate gradient"),
                scores: g(scores, "attention score gradient"),
                qkv: g(t * 3 * h, "query/key/value gradient"),
                pooled: g(b * h, "pooled gradient"), cls: g(b * h, "[CLS] gradient"))
        } else {
            gradients = nil
        }
        arena = a
        self.tags = tags
    }

    /// Where layer `l` reads its input (float32 [T, H]).
    func input(_ l: Int) -> ArenaLayout.Slot { hidden.count == layerCount + 1 ? hidden[l] : hidden[l % 2] }

    /// Where layer `l` writes its output (float32 [T, H]).
    func output(_ l: Int) -> ArenaLayout.Slot {
        if hidden.count == layerCount + 1 { return hidden[l + 1] }
        return l == layerCount - 1 ? hidden[2] : hidden[(l + 1) % 2]
    }

    /// Payload bytes per category (without alignment).
    public func bytes(in category: Category) -> Int {
        zip(arena.entries, tags).reduce(0) { $0 + ($1.1.category == category ? $1.0.bytes : 0) }
    }

    /// Payload bytes of the kept activations by tensor kind, in first-seen order.
    public var keptBytesByKind: [(kind: String, bytes: Int)] {
        var order: [String] = [], totals: [String: Int] = [:]
        for (entry, tag) in zip(arena.entries, tags) where tag.category == .kept {
            if totals[tag.kind] == nil { order.append(tag.kind) }
            totals[tag.kind, default: 0] += entry.bytes
        }
        return order.map { ($0, totals[$0]!) }
    }

    /// Payload bytes kept for one layer.
    public func keptBytes(layer: Int) -> Int {
        zip(arena.entries, tags).reduce(0) { $0 + ($1.1.category == .kept && $1.1.layer == layer ? $1.0.bytes : 0) }
    }
}
