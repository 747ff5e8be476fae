/// One device operation described by its shapes and flags, without buffers: what `RecordingDevice` records,
/// what the profiler groups a training step's calls by, and what `OpReplay` rebuilds on any device with fresh
/// buffers. Two calls with the same `description` do the same work.
public enum OpCall: Sendable, Equatable, CustomStringConvertible {
    case fill(count: Int)
    case copy(count: Int)
    case add(count: Int)
    case multiply(count: Int)
    case axpby(count: Int)
    case addBias(rows: Int, columns: Int)
    case copyRows(rows: Int, columns: Int, sourceStride: Int, destinationStride: Int)
    case convert(count: Int, from: DType, to: DType)
    case gelu(count: Int, kind: GELUKind)
    case geluBackward(count: Int, kind: GELUKind)
    case biasGELU(rows: Int, columns: Int, kind: GELUKind)
    case tanh(count: Int)
    case tanhBackward(count: Int)
    case sumRows(rows: Int, columns: Int, accumulate: Bool)
    case fillUniform(count: Int)
    case dropout(count: Int)
    case dropoutBackward(count: Int)
    /// `storesSum`: v = drop(input) + residual is written for backward.
    case layerNorm(rows: Int, columns: Int, residual: Bool, dropout: Bool, storesSum: Bool)
    case layerNormBackward(rows: Int, columns: Int)
    /// `writesDropped`: dropout on, into a separate `dropped` buffer.
    case attentionSoftmax(AttentionShape, mask: Bool, writesDropped: Bool)
    case attentionSoftmaxBackward(AttentionShape, dropout: Bool)
    case splitHeads(HeadLayout)
    case mergeHeads(HeadLayout)
    case flashAttention(AttentionShape, mask: Bool, dropout: Bool, outputRowStride: Int)
    /// Table rows of the word, position and type embeddings.
    case embedding(EmbeddingShape, wordRows: Int, positionRows: Int, typeRows: Int)
    /// `tokens` gradient rows (the index's members) summed into `uniqueRows` rows of a `tableRows`-row table.
    case scatterAddRows(tokens: Int, hidden: Int, uniqueRows: Int, tableRows: Int)
    case gemm(GEMMShape)
    case gemmStridedBatched(GEMMShape, BatchStrides)
    case sumOfSquares(count: Int, accumulate: Bool)
    case adamw(count: Int)
    /// `count` elements of which `tensors` tensors in `chunks` chunks are updated (LAMBLayout).
    case lamb(count: Int, tensors: Int, chunks: Int)
    /// `predictions`: each row's argmax written too.
    case softmaxCrossEntropy(rows: Int, classes: Int, weighted: Bool, predictions: Bool = false)
    case squaredError(count: Int)

    /// The device method this call is (`layerNorm`, `gemmStridedBatched`, …).
    public var name: String {
        switch self {
        case .fill: return "fill"
        case .copy: return "copy"
        case .add: return "add"
        case .multiply: return "multiply"
        case .axpby: return "axpby"
        case .addBias: return "addBias"
        case .copyRows: return "copyRows"
        case .convert: return "convert"
        case .gelu: return "gelu"
        case .geluBackward: return "geluBackward"
        case .biasGELU: return "biasGELU"
        case .tanh: return "tanh"
        case .tanhBackward: return "tanhBackward"
        case .sumRows: return "sumRows"
        case .fillUniform: return "fillUniform"
        case .dropout: return "dropout"
        case .dropoutBackward: return "dropoutBackward"
        case .layerNorm: return "layerNorm"
        case .layerNormBackward: return "layerNormBackward"
        case .attentionSoftmax: return "attentionSoftmax"
        case .attentionSoftmaxBackward: return "attentionSoftmaxBackward"
        case .splitHeads: return "splitHeads"
        case .mergeHeads: return "mergeHeads"
        case .flashAttention: return "flashAttention"
        case .embedding: return "embedding"
        case .scatterAddRows: return "scatterAddRows"
        case .gemm: return "gemm"
        case .gemmStridedBatched: return "gemmStridedBatched"
        case .sumOfSquares: return "sumOfSquares"
        case .adamw: return "adamw"
        case .lamb: return "lamb"
        case .softmaxCrossEntropy: return "softmaxCrossEntropy"
        case .squaredError: return "squaredError"
        }
    }

    /// Shape and flags, e.g. `[1024, 768] residual dropout` or `1024×2304×768 Bᵀ`.
    public var shape: String {
        switch self {
        case let .fill(n), let .copy(n), let .add(n), let .multiply(n), let .axpby(n), let .tanh(n),
             let .tanhBackward(n), let .fillUniform(n), let .dropout(n), let .dropoutBackward(n), let .adamw(n),
             let .squaredError(n):
            return "[\(n)]"
        case let .gelu(n, kind), let .geluBackward(n, kind): return "[\(n)] \(kind)"
        case let .addBias(r, c): return "[\(r), \(c)]"
        case let .copyRows(r, c, xs, ys): return "[\(r), \(c)] stride \(xs) → \(ys)"
        case let .convert(n, from, to): return "[\(n)] \(from) → \(to)"
        case let .biasGELU(r, c, kind): return "[\(r), \(c)] \(kind)"
        case let .sumRows(r, c, accumulate): return "[\(r), \(c)]" + (accumulate ? " +=" : "")
        case let .layerNorm(r, c, residual, dropout, storesSum):
            return "[\(r), \(c)]" + (residual ? " residual" : "") + (dropout ? " dropout" : "") + (storesSum ? " sum" : "")
        case let .layerNormBackward(r, c): return "[\(r), \(c)]"
        case let .attentionSoftmax(s, mask, dropped):
            return Self.attention(s) + (mask ? " mask" : "") + (dropped ? " dropout" : "")
        case let .attentionSoftmaxBackward(s, dropout): return Self.attention(s) + (dropout ? " dropout" : "")
        case let .splitHeads(l), let .mergeHeads(l):
            return "[\(l.batch), \(l.heads), \(l.sequence), \(l.headDim)] row stride \(l.rowStride)"
        case let .flashAttention(s, mask, dropout, stride):
            return "[\(s.batch), \(s.heads), \(s.queryLength)/\(s.keyLength), \(s.headDim)]" + (mask ? " mask" : "")
                + (dropout ? " dropout" : "") + " out stride \(stride)"
        case let .embedding(s, word, position, type):
            return "[\(s.tokens), \(s.hidden)] tables \(word)/\(position)/\(type)"
        case let .scatterAddRows(tokens, hidden, unique, table): return "[\(tokens), \(hidden)] → \(unique) of \(table) rows"
        case let .gemm(s): return Self.gemm(s)
        case let .gemmStridedBatched(s, batch): return Self.gemm(s) + " ×\(batch.count)"
        case let .sumOfSquares(n, accumulate): return "[\(n)]" + (accumulate ? " +=" : "")
        case let .lamb(n, tensors, chunks): return "[\(n)] \(tensors) tensors, \(chunks) chunks"
        case let .softmaxCrossEntropy(r, c, weighted, predictions):
            return "[\(r), \(c)]" + (weighted ? " weighted" : "") + (predictions ? " argmax" : "")
        }
    }

    public var description: String { "\(name) \(shape)" }

    /// Whether the call is a BLAS GEMM (CLBlast or OpenBLAS) rather than one of our kernels.
    public var isGEMM: Bool {
        switch self {
        case .gemm, .gemmStridedBatched: return true
        default: return false
        }
    }

    private static func attention(_ s: AttentionShape) -> String {
        "[\(s.batch), \(s.heads), \(s.queryLength), \(s.keyLength)]"
    }

    private static func gemm(_ s: GEMMShape) -> String {
        var text = "\(s.m)×\(s.n)×\(s.k)"
        if s.transA == .transposed { text += " Aᵀ" }
        if s.transB == .transposed { text += " Bᵀ" }
        if s.alpha != 1 { text += " α=\(s.alpha)" }
        if s.beta != 0 { text += " β=\(s.beta)" }
        let dense = GEMMShape(m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB)
        if (s.lda, s.ldb, s.ldc) != (dense.lda, dense.ldb, dense.ldc) { text += " ld \(s.lda)/\(s.ldb)/\(s.ldc)" }
        return text
    }
}
