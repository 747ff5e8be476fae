/// Buffers of the fused softmax + cross-entropy + gradient.
public struct CrossEntropyBuffers {
    public var logits: BufferView           // [rows, classes]
    public var labels: BufferView           // int32 [rows]; < 0 (or ≥ classes) = ignored
    public var weights: BufferView?         // [rows] (MLM's masked_lm_weights); nil = 1
    public var losses: BufferView           // [rows] per-row loss (weighted)
    public var gradLogits: BufferView       // [rows, classes] = weight · scale · (softmax − onehot); may alias logits
    /// int32 [rows]: each row's argmax over its logits (the smallest class index among ties), written by the same
    /// launch for every row, ignored ones included; nil = not computed.
    public var predictions: BufferView?

    public init(logits: BufferView, labels: BufferView, weights: BufferView? = nil, losses: BufferView,
                gradLogits: BufferView, predictions: BufferView? = nil) {
        self.logits = logits
        self.labels = labels
        self.weights = weights
        self.losses = losses
        self.gradLogits = gradLogits
        self.predictions = predictions
    }
}

/// Losses with their gradients in the same pass.
public protocol LossOps {
    /// Per-row cross-entropy of softmax(logits) against labels, and ∂(scale · Σ loss)/∂logits; with
    /// `b.predictions`, also each row's argmax (smallest index among ties) in the same pass.
    func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float) throws
    /// Regression: `losses[r] = (predictions[r] − targets[r])²`, `gradPredictions[r] = 2·scale·(pred − target)`;
    /// rows whose int32 `valid[r]` is negative (padding) give zero loss and gradient. All [rows];
    /// gradPredictions may alias predictions.
    func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                      gradPredictions: BufferView, scale: Float) throws
}

extension CrossEntropyBuffers {
    func validate(rows: Int, classes: Int) throws {
        let op = "softmaxCrossEntropy"
        try OpChecks.matrix(op, "logits", logits, rows: rows, columns: classes)
        try OpChecks.matrix(op, "gradLogits", gradLogits, rows: rows, columns: classes)
        try OpChecks.floats(op, count: rows, ("losses", losses))
        if let weights { try OpChecks.floats(op, count: rows, ("weights", weights)) }
        for (name, view) in [("labels", labels), ("predictions", predictions)] {
            guard let view else { continue }
            guard view.dtype == .int32, view.count == rows else {
                throw ComputeError.shapeMismatch(operation: op, detail: "\(name) must be int32 [\(rows)], got \(view.dtype) [\(view.count)]")
            }
        }
        guard classes > 0 else { throw ComputeError.shapeMismatch(operation: op, detail: "zero classes") }
    }
}

extension LossOps {
    func validateSquaredError(valid: BufferView, rows: Int) throws {
        guard valid.dtype == .int32, valid.count == rows else {
            throw ComputeError.shapeMismatch(operation: "squaredError", detail: "valid must be int32 [\(rows)], got \(valid.dtype) [\(valid.count)]")
        }
    }
}
