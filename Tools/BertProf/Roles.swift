import BERT
import Compute

/// Names for the calls of a training step (what each GEMM and kernel is in the model), and the extra calls the
/// profiler adds because the step does not make them.
struct Roles {
    let run: ModelRun

    private var config: BertConfig { run.config }
    private var batch: Int { run.batch }
    private var sequence: Int { run.sequence }

    private var tokens: Int { batch * sequence }
    private var h: Int { config.hiddenSize }

    /// Dense layers `y = x·Wᵀ` of the step: (name, rows, in, out).
    private var linears: [(String, Int, Int, Int)] {
        [("QKV", tokens, h, 3 * h), ("attention output", tokens, h, h), ("FFN1", tokens, h, config.intermediateSize),
         ("FFN2", tokens, config.intermediateSize, h), ("pooler", batch, h, h), ("classifier", batch, h, 2)]
    }

    func role(of call: OpCall) -> String {
        switch call {
        case let .gemm(s):
            for (name, rows, inputs, outputs) in linears {
                if (s.m, s.n, s.k, s.transA, s.transB) == (rows, outputs, inputs, Transpose.none, Transpose.transposed) { return "\(name) forward" }
                if (s.m, s.n, s.k, s.transA, s.transB) == (outputs, inputs, rows, Transpose.transposed, Transpose.none) { return "\(name) dW" }
                if (s.m, s.n, s.k, s.transA, s.transB) == (rows, inputs, outputs, Transpose.none, Transpose.none) { return "\(name) dx" }
            }
            return ""
        case let .gemmStridedBatched(s, _):
            switch (s.transA, s.transB) {
            case (Transpose.none, Transpose.transposed): return "Q·Kᵀ; dP = dC·Vᵀ"
            case (Transpose.none, Transpose.none): return "P·V; dQ = dS·K"
            default: return "dV = Pᵀ·dC; dK = dSᵀ·Q"
            }
        case .embedding: return "embeddings gather-sum"
        case let .layerNorm(_, _, residual, _, _): return residual ? "dropout + residual + LayerNorm" : "embeddings LayerNorm"
        case .layerNormBackward: return "LayerNorm backward"
        case let .dropout(n): return n == batch * h ? "classifier dropout" : "embeddings dropout"
        case .dropoutBackward: return "dropout backward"
        case let .addBias(_, c): return c == 3 * h ? "QKV bias" : c == 2 ? "classifier bias" : "bias"
        case let .splitHeads(l): return l.rowStride == 3 * h ? "Q, K, V → heads" : "dContext → heads"
        case let .mergeHeads(l): return l.rowStride == 3 * h ? "dQ, dK, dV → rows" : "context → rows"
        case .attentionSoftmax: return "scale + mask + softmax + dropout"
        case .attentionSoftmaxBackward: return "softmax + dropout backward"
        case .biasGELU: return "FFN bias + GELU"
        case .geluBackward: return "FFN GELU backward"
        case .copyRows: return "[CLS] rows"
        case .tanh, .tanhBackward: return "pooler"
        case let .sumRows(_, c, _): return c == 1 ? "loss total" : "bias gradient"
        case let .fill(n): return n == 1 ? "reset loss" : n == tokens * h ? "∂L/∂last hidden = 0" : "zero gradients"
        case .copy: return "residual gradient"
        case .add: return "[CLS] gradient"
        case let .scatterAddRows(_, _, _, table):
            return table == config.vocabSize ? "word embedding gradient"
                : table == config.typeVocabSize ? "type embedding gradient" : "position embedding gradient"
        case .sumOfSquares: return "gradient norm²"
        case .adamw: return "clip + AdamW"
        case .lamb: return "clip + LAMB"
        case .softmaxCrossEntropy: return "classifier loss"
        default: return ""
        }
    }

    /// Calls a training step does not make, profiled at the model's shapes because the device offers them.
    var extras: [(OpCall, String)] {
        let heads = config.numAttentionHeads
        let attention = AttentionShape(batch: batch, heads: heads, queryLength: sequence, keyLength: sequence,
                                       headDim: config.headSize)
        let ffn = tokens * config.intermediateSize
        let tensorSizes = config.parameterSpecs(heads: .classifier(labels: 2)).map(\.count)
        return [
            (.flashAttention(attention, mask: true, dropout: false, outputRowStride: h), "inference attention (online softmax)"),
            (.convert(count: ffn, from: .float32, to: .float16), "half storage: keep (--activations half)"),
            (.convert(count: ffn, from: .float16, to: .float32), "half storage: restore"),
            (.gelu(count: ffn, kind: config.activation), "unfused GELU"),
            (.add(count: tokens * h), "element-wise at [T, H]"),
            (.multiply(count: tokens * h), "element-wise at [T, H]"),
            (.axpby(count: tokens * h), "element-wise at [T, H]"),
            (.fillUniform(count: tokens * h), "Philox uniforms"),
            (.softmaxCrossEntropy(rows: batch * 20, classes: config.vocabSize, weighted: true, predictions: true),
             "masked-LM loss + argmax (20 predictions per sequence)"),
            (.squaredError(count: batch), "regression loss"),
            (.lamb(count: tensorSizes.reduce(0, +), tensors: tensorSizes.count,
                   chunks: LAMBLayout.chunkCount(tensorSizes: tensorSizes)), "clip + LAMB (--optimizer lamb), all tensors"),
        ]
    }
}
