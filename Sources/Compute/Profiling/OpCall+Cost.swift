// What each op must move and compute at minimum — the denominators of the profiler's GB/s and GFLOP/s.
//
// Bytes count every input element read once and every output element written once (4 bytes per float32
// or int32, 2 per float16); nothing is counted for caches, re-reads or recomputed dropout masks, so a kernel
// that reads an input twice shows below its real traffic. FLOPs are counted only where arithmetic, not
// memory, can be the limit: GEMMs (2·m·n·k) and the online-softmax attention (4·B·heads·q·k·D).

extension OpCall {
    /// The formula behind `bytes`, in the shape's letters (N elements, R×C matrices, …).
    public var bytesFormula: String {
        switch self {
        case .fill: return "4N (write)"
        case .copy, .tanh, .gelu, .dropout, .dropoutBackward: return "8N (read x, write y)"
        case .add, .multiply: return "12N (read a, b; write out)"
        case .axpby: return "12N (read x, y; write y)"
        case .tanhBackward, .geluBackward: return "12N (read x or y, dy; write dx)"
        case .fillUniform: return "4N (write)"
        case .addBias: return "8RC + 4C (read x, bias; write out)"
        case .copyRows: return "8RC (read and write R rows of C)"
        case .convert: return "6N (4-byte side + 2-byte side)"
        case .biasGELU: return "12RC + 4C (read x, bias; write x + bias and gelu)"
        case .sumRows(_, _, let accumulate): return accumulate ? "4RC + 8C (read x; read and write out)" : "4RC + 4C"
        case let .layerNorm(_, _, residual, _, storesSum):
            return "8RC" + (residual ? " + 4RC (residual)" : "") + (storesSum ? " + 4RC (sum)" : "")
                + " + 8R (mean, rstd) + 8C (γ, β)"
        case .layerNormBackward: return "12RC (read dy, v; write dx) + 8R + 4C (γ) + 16C (read and write dγ, dβ)"
        case let .attentionSoftmax(_, mask, dropped):
            return "8N (read scores, write P; N = B·h·q·k)" + (dropped ? " + 4N (dropped)" : "") + (mask ? " + 4·B·k (mask)" : "")
        case .attentionSoftmaxBackward: return "12N (read dP, P; write dS; N = B·h·q·k)"
        case .splitHeads, .mergeHeads: return "8·B·h·S·D (read, write)"
        case .flashAttention: return "16·B·h·S·D (read Q, K, V; write O) + 4·B·k (mask)"
        case .embedding: return "16TH (read 3 table rows, write) + 8T (ids, types)"
        case .scatterAddRows: return "4TH (read dy) + 8UH (read and write U table rows) + 4(2U + 1 + T) (index)"
        case .gemm(let s):
            return "4(mk + kn + mn)" + (s.beta != 0 ? " + 4mn (C read, β ≠ 0)" : "")
        case .gemmStridedBatched(let s, _):
            return "batch · 4(mk + kn + mn)" + (s.beta != 0 ? " + batch · 4mn (β ≠ 0)" : "")
        case .sumOfSquares: return "4N (read)"
        case .adamw: return "28N (read p, g, m, v; write p, m, v)"
        case .lamb: return "40N (read p, g, m, v; write m, v, u; read p, u; write p) + 40C (chunk rows twice, partials) + 16T"
        case .softmaxCrossEntropy: return "8RC (read logits, write dlogits) + 8R (labels, losses) + 4R (weights; predictions)"
        case .squaredError: return "20N (read pred, target, valid; write loss, grad)"
        }
    }

    /// Minimum bytes read plus written (see `bytesFormula`).
    public var bytes: Double {
        func f(_ values: Int...) -> Double { Double(values.reduce(0, +)) }
        switch self {
        case let .fill(n), let .fillUniform(n), let .sumOfSquares(n, _): return 4 * Double(n)
        case let .copy(n), let .tanh(n), let .gelu(n, _), let .dropout(n), let .dropoutBackward(n): return 8 * Double(n)
        case let .add(n), let .multiply(n), let .axpby(n), let .tanhBackward(n), let .geluBackward(n, _):
            return 12 * Double(n)
        case let .addBias(r, c): return f(8 * r * c, 4 * c)
        case let .copyRows(r, c, _, _): return f(8 * r * c)
        case let .convert(n, _, _): return f(6 * n)
        case let .biasGELU(r, c, _): return f(12 * r * c, 4 * c)
        case let .sumRows(r, c, accumulate): return f(4 * r * c, accumulate ? 8 * c : 4 * c)
        case let .layerNorm(r, c, residual, _, storesSum):
            return f(8 * r * c, residual ? 4 * r * c : 0, storesSum ? 4 * r * c : 0, 8 * r, 8 * c)
        case let .layerNormBackward(r, c): return f(12 * r * c, 8 * r, 20 * c)
        case let .attentionSoftmax(s, mask, dropped):
            return f(8 * s.scoreCount, dropped ? 4 * s.scoreCount : 0, mask ? 4 * s.batch * s.keyLength : 0)
        case let .attentionSoftmaxBackward(s, _): return f(12 * s.scoreCount)
        case let .splitHeads(l), let .mergeHeads(l): return f(8 * l.headMajorCount)
        case let .flashAttention(s, mask, _, _):
            return f(8 * s.scoreRows * s.headDim, 8 * s.batch * s.heads * s.keyLength * s.headDim,
                     mask ? 4 * s.batch * s.keyLength : 0)
        case let .embedding(s, _, _, _): return f(16 * s.tokens * s.hidden, 8 * s.tokens)
        case let .scatterAddRows(tokens, hidden, unique, _):
            return f(4 * tokens * hidden, 8 * unique * hidden, 4 * (2 * unique + 1 + tokens))
        case let .gemm(s): return Self.gemmBytes(s)
        case let .gemmStridedBatched(s, batch): return Double(batch.count) * Self.gemmBytes(s)
        case let .adamw(n): return 28 * Double(n)
        case let .lamb(n, tensors, chunks): return f(40 * n, 40 * chunks, 16 * tensors)
        case let .softmaxCrossEntropy(r, c, weighted, predictions):
            return f(8 * r * c, 8 * r, weighted ? 4 * r : 0, predictions ? 4 * r : 0)
        case let .squaredError(n): return 20 * Double(n)
        }
    }

    /// Floating-point operations where they matter (GEMMs, online-softmax attention); nil elsewhere.
    public var flops: Double? {
        switch self {
        case let .gemm(s): return s.flops
        case let .gemmStridedBatched(s, batch): return s.flops * Double(batch.count)
        case let .flashAttention(s, _, _, _):
            return 4 * Double(s.batch * s.heads) * Double(s.queryLength) * Double(s.keyLength) * Double(s.headDim)
        default: return nil
        }
    }

    private static func gemmBytes(_ s: GEMMShape) -> Double {
        4 * (Double(s.m) * Double(s.k) + Double(s.k) * Double(s.n) + Double(s.m) * Double(s.n) * (s.beta != 0 ? 2 : 1))
    }
}
