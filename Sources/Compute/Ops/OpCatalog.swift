/// The calls that cover the device layer: every op at small, odd shapes in each of its variants (the flags that
/// select other kernel code), and the calls a fine-tuning step does not make but the device offers. The one place
/// besides each op's own folder that names ops: `bert selfcheck` runs `coverage` on a device against the CPU
/// backend, and `bert-prof` adds `extras(for:)` to the calls it records from a real training step.
public enum OpCatalog {
    /// Every op, each variant once, at shapes small enough to check in moments and odd enough to leave partial
    /// work-groups (`bert selfcheck`).
    public static var coverage: [OpCall] {
        let (rows, columns, n) = (13, 100, 1001)
        let attention = AttentionShape(batch: 2, heads: 3, queryLength: 11, keyLength: 11, headDim: 16)
        let heads = HeadLayout(batch: 2, sequence: 11, heads: 3, headDim: 16, rowStride: 3 * 3 * 16)
        var calls: [OpCall] = [
            .fill(count: n), .copy(count: n), .add(count: n), .multiply(count: n), .axpby(count: n),
            .addBias(rows: rows, columns: columns),
            .copyRows(rows: 5, columns: 48, sourceStride: 11 * 48, destinationStride: 48),
            .convert(count: n, from: .float32, to: .float16), .convert(count: n, from: .float16, to: .float32),
            .convert(count: n, from: .float32, to: .float32), .convert(count: n, from: .float16, to: .float16),
            .sumRows(rows: rows, columns: columns, accumulate: false), .sumRows(rows: rows, columns: columns, accumulate: true),
            .sumOfSquares(count: 70_001, accumulate: false), .sumOfSquares(count: n, accumulate: true),
            .fillUniform(count: n), .dropout(count: n), .dropoutBackward(count: n),
            .layerNorm(rows: rows, columns: columns, residual: false, dropout: false, storesSum: false),
            .layerNorm(rows: rows, columns: columns, residual: true, dropout: true, storesSum: true),
            .layerNormBackward(rows: rows, columns: columns),
            .splitHeads(heads), .mergeHeads(heads),
            .embedding(EmbeddingShape(tokens: 22, sequence: 11, hidden: 48), wordRows: 50, positionRows: 16, typeRows: 2),
            .scatterAddRows(tokens: 22, hidden: 48, uniqueRows: 7, tableRows: 50),
            .gemm(GEMMShape(m: 37, n: 53, k: 71, transA: .transposed, transB: .transposed, alpha: 0.75, beta: 0.5)),
            .gemmStridedBatched(GEMMShape(m: 11, n: 11, k: 16, transB: .transposed),
                                BatchStrides(count: 6, a: 176, b: 176, c: 121)),
            .adamw(count: n), .lamb(count: 70_001, tensors: 3, chunks: 4),
            .softmaxCrossEntropy(rows: rows, classes: 7, weighted: false),
            .softmaxCrossEntropy(rows: rows, classes: 301, weighted: true, predictions: true),
            .squaredError(count: 37), .sigmoidCrossEntropy(rows: 7, columns: 13),
        ]
        for function in Activation.allCases {
            calls += [.activation(function, count: n), .activationBackward(function, count: n)]
        }
        for kind in GELUKind.allCases { calls.append(.biasGELU(rows: rows, columns: columns, kind: kind)) }
        for mask in [false, true] {
            calls.append(.attentionSoftmax(attention, mask: mask, writesDropped: mask))
            calls.append(.attentionSoftmaxBackward(attention, dropout: mask))
            calls.append(.flashAttention(attention, mask: mask, dropout: !mask, outputRowStride: 3 * 16 + (mask ? 5 : 0)))
        }
        return calls
    }

    /// The sizes of a model at one batch, for `extras(for:)`.
    public struct ModelDimensions: Sendable {
        public var batch: Int
        public var sequence: Int
        public var hidden: Int
        public var intermediate: Int
        public var heads: Int
        public var vocabulary: Int
        public var activation: GELUKind
        /// Element counts of every parameter tensor (what LAMB's tables list).
        public var tensorSizes: [Int]
        /// Masked-LM predictions per sequence of a pre-training step.
        public var predictionsPerSequence: Int

        public init(batch: Int, sequence: Int, hidden: Int, intermediate: Int, heads: Int, vocabulary: Int,
                    activation: GELUKind, tensorSizes: [Int], predictionsPerSequence: Int = 20) {
            self.batch = batch
            self.sequence = sequence
            self.hidden = hidden
            self.intermediate = intermediate
            self.heads = heads
            self.vocabulary = vocabulary
            self.activation = activation
            self.tensorSizes = tensorSizes
            self.predictionsPerSequence = predictionsPerSequence
        }
    }

    /// Calls a fine-tuning step does not make, at the model's shapes, with why each is listed: inference attention,
    /// half-precision storage, the unfused and element-wise kernels (SiLU included), pre-training's loss and LAMB, regression and
    /// multi-label losses.
    public static func extras(for m: ModelDimensions) -> [(call: OpCall, role: String)] {
        let tokens = m.batch * m.sequence, ffn = tokens * m.intermediate
        let attention = AttentionShape(batch: m.batch, heads: m.heads, queryLength: m.sequence, keyLength: m.sequence,
                                       headDim: m.hidden / max(m.heads, 1))
        return [
            (.flashAttention(attention, mask: true, dropout: false, outputRowStride: m.hidden),
             "inference attention (online softmax)"),
            (.convert(count: ffn, from: .float32, to: .float16), "half storage: keep (--activations half)"),
            (.convert(count: ffn, from: .float16, to: .float32), "half storage: restore"),
            (.gelu(count: ffn, kind: m.activation), "unfused GELU"),
            (.activation(.silu, count: ffn), "SiLU at the FFN width (variants with hidden_act silu)"),
            (.activationBackward(.silu, count: ffn), "SiLU backward at the FFN width"),
            (.add(count: tokens * m.hidden), "element-wise at [T, H]"),
            (.multiply(count: tokens * m.hidden), "element-wise at [T, H]"),
            (.axpby(count: tokens * m.hidden), "element-wise at [T, H]"),
            (.fillUniform(count: tokens * m.hidden), "Philox uniforms"),
            (.softmaxCrossEntropy(rows: m.batch * m.predictionsPerSequence, classes: m.vocabulary, weighted: true,
                                  predictions: true),
             "masked-LM loss + argmax (\(m.predictionsPerSequence) predictions per sequence)"),
            (.squaredError(count: m.batch), "regression loss"),
            (.sigmoidCrossEntropy(rows: m.batch, columns: 8), "multi-label loss (8 labels)"),
            (.lamb(count: m.tensorSizes.reduce(0, +), tensors: m.tensorSizes.count,
                   chunks: LAMBLayout.chunkCount(tensorSizes: m.tensorSizes)), "clip + LAMB (--optimizer lamb), all tensors"),
        ]
    }
}
