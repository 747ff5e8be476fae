import Compute

/// The encoder's dense layers, each named by the role its calls carry (`OpRole("FFN1", layer: 3)` → "FFN1
/// forward", "FFN1 dW", …) and sized from the config: the one table the encoder's forward and backward take their
/// GEMM shapes from and `GEMMCensus` lists, so the memory plan counts exactly what the code runs.
public enum EncoderLinear: CaseIterable, Sendable {
    /// Fused Q/K/V projection [H → 3H].
    case qkv
    /// Attention output projection [H → H].
    case attentionOutput
    /// Feed-forward in [H → I].
    case ffn1
    /// Feed-forward out [I → H].
    case ffn2
    /// Pooler dense on the [CLS] rows [H → H].
    case pooler

    /// The role name the code gives the layer's calls.
    public var role: String {
        switch self {
        case .qkv: return "QKV"
        case .attentionOutput: return "attention output"
        case .ffn1: return "FFN1"
        case .ffn2: return "FFN2"
        case .pooler: return "pooler"
        }
    }

    /// The layer at `rows` rows.
    public func shape(rows: Int, config c: BertConfig) -> LinearShape {
        let (h, i) = (c.hiddenSize, c.intermediateSize)
        switch self {
        case .qkv: return LinearShape(rows: rows, inFeatures: h, outFeatures: 3 * h)
        case .attentionOutput, .pooler: return LinearShape(rows: rows, inFeatures: h, outFeatures: h)
        case .ffn1: return LinearShape(rows: rows, inFeatures: h, outFeatures: i)
        case .ffn2: return LinearShape(rows: rows, inFeatures: i, outFeatures: h)
        }
    }
}

/// Attention's three strided-batched GEMM forms over batch · heads matrices of one block, with q queries per
/// sequence (S, or 1 in a [CLS]-only block), S keys and head size D: the one table the encoder's forward and
/// backward run them from and `GEMMCensus` lists.
public enum AttentionGEMM: CaseIterable, Sendable {
    /// [q, D]·[S, D]ᵀ → [q, S]: the scores Q·Kᵀ, and dP = dC·Vᵀ in backward.
    case scores
    /// [q, S]·[S, D] → [q, D]: the context P·V, and dQ = dS·K in backward.
    case context
    /// [q, S]ᵀ·[q, D] → [S, D]: dV = Pᵀ·dC and dK = dSᵀ·Q (backward only).
    case keyGradient

    /// The role names of the calls of this form (forward first).
    public var roles: [String] {
        switch self {
        case .scores: return ["Q·Kᵀ", "dP = dC·Vᵀ"]
        case .context: return ["P·V", "dQ = dS·K"]
        case .keyGradient: return ["dV = Pᵀ·dC", "dK = dSᵀ·Q"]
        }
    }

    /// One matrix's GEMM.
    public func shape(queries q: Int, keys S: Int, headSize D: Int) -> GEMMShape {
        switch self {
        case .scores: return GEMMShape(m: q, n: S, k: D, transB: .transposed)
        case .context: return GEMMShape(m: q, n: D, k: S)
        case .keyGradient: return GEMMShape(m: S, n: D, k: q, transA: .transposed)
        }
    }

    /// The strides between the `matrices` matrices of A, B and C (each packed [q or S, …] per head).
    public func strides(queries q: Int, keys S: Int, headSize D: Int, matrices: Int) -> BatchStrides {
        switch self {
        case .scores: return BatchStrides(count: matrices, a: q * D, b: S * D, c: q * S)
        case .context: return BatchStrides(count: matrices, a: q * S, b: S * D, c: q * D)
        case .keyGradient: return BatchStrides(count: matrices, a: q * S, b: q * D, c: S * D)
        }
    }
}
