// Replays of GEMMs, the optimizer and the losses.

extension OpReplay {
    static func training(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        let device = d.device
        switch call {
        case let .gemm(s):
            let (a, b, c) = try gemmOperands(s, batch: nil, &d)
            return PreparedOp(call: call, run: { try device.gemm(s, a: a, b: b, c: c) }, outputs: [("C", c)],
                              atol: 1e-4, rtol: 1e-4, buffers: ["A": a, "B": b, "C": c])
        case let .gemmStridedBatched(s, batch):
            let (a, b, c) = try gemmOperands(s, batch: batch, &d)
            return PreparedOp(call: call, run: { try device.gemmStridedBatched(s, batch: batch, a: a, b: b, c: c) },
                              outputs: [("C", c)], atol: 1e-4, rtol: 1e-4, buffers: ["A": a, "B": b, "C": c])
        case let .adamw(n):
            let slice = OptimizerSlice(parameters: try d.floats(n, "parameters"), gradients: try d.floats(n, "gradients"),
                                       m: try d.floats(n, "m", -0.01, 0.01), v: try d.floats(n, "v", 0, 1e-4))   // [n] each
            let normSquared = try d.output(1, "norm²", 4)                             // [1]: norm 2, clipped to 1
            let config = AdamWConfig(learningRate: 1e-3, step: 1, maxGradNorm: 1)
            return PreparedOp(call: call, run: { try device.adamw(slice, normSquared: normSquared, config: config) },
                              outputs: [("parameters", slice.parameters), ("m", slice.m), ("v", slice.v)],
                              atol: 1e-6, rtol: 1e-5)
        case let .softmaxCrossEntropy(r, c, weighted, predicts):
            // Labels in 0..<c, every seventh row ignored (−1).
            let labels = (0..<r).map { row -> Int32 in row % 7 == 6 ? -1 : Int32(d.random.next() % UInt64(c)) }
            let buffers = CrossEntropyBuffers(
                logits: try d.floats(r * c, "logits", -4, 4), labels: try device.upload(labels, label: "replay labels"),
                weights: weighted ? try d.floats(r, "weights", 0, 1) : nil, losses: try d.output(r, "losses"),
                gradLogits: try d.output(r * c, "dlogits"),                            // [r, c], [r]
                predictions: predicts ? try device.upload([Int32](repeating: -1, count: r), label: "replay argmax") : nil)   // [r]
            let argmax = buffers.predictions.map { [("predictions", $0)] } ?? []
            return PreparedOp(call: call, run: { try device.softmaxCrossEntropy(buffers, rows: r, classes: c, scale: 0.01) },
                              outputs: [("losses", buffers.losses), ("dlogits", buffers.gradLogits)] + argmax, atol: 1e-6, rtol: 1e-5)
        case let .squaredError(n):
            let valid = (0..<n).map { Int32($0 % 5 == 4 ? -1 : 0) }
            let predictions = try d.floats(n, "predictions"), targets = try d.floats(n, "targets")   // [n]
            let validView = try device.upload(valid, label: "replay valid")
            let losses = try d.output(n, "losses"), grads = try d.output(n, "grads")
            return PreparedOp(call: call, run: {
                try device.squaredError(predictions: predictions, targets: targets, valid: validView, losses: losses,
                                        gradPredictions: grads, scale: 0.5)
            }, outputs: [("losses", losses), ("grads", grads)], atol: 1e-6, rtol: 1e-6)
        default:
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not a GEMM, optimizer or loss call")
        }
    }

    /// A, B, C of a (strided-batched) GEMM, sized by the shape's leading dimensions and the batch strides.
    private static func gemmOperands(_ s: GEMMShape, batch: BatchStrides?, _ d: inout ReplayData)
        throws -> (BufferView, BufferView, BufferView) {
        let count = batch?.count ?? 1
        let extent = { (rows: Int, ld: Int, stride: Int) in (count - 1) * stride + rows * ld }
        let aRows = s.transA == .none ? s.m : s.k, bRows = s.transB == .none ? s.k : s.n
        let a = try d.floats(extent(aRows, s.lda, batch?.a ?? 0), "A", -0.5, 0.5)
        let b = try d.floats(extent(bRows, s.ldb, batch?.b ?? 0), "B", -0.5, 0.5)
        let c = try d.floats(extent(s.m, s.ldc, batch?.c ?? 0), "C", -0.5, 0.5)
        return (a, b, c)
    }
}
