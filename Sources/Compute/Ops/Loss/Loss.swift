// Losses with their gradients in the same pass — the fused softmax + cross-entropy (+ argmax) and the squared error:
// buffers, checks, descriptors, their calls (cost, replay) and the device sugar. Bodies: Loss+CPU.swift,
// Loss+OpenCL.swift (Kernels/loss.cl).

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
        (self.logits, self.labels, self.weights, self.losses, self.gradLogits, self.predictions)
            = (logits, labels, weights, losses, gradLogits, predictions)
    }
}

extension CrossEntropyBuffers {
    func validate(rows: Int, classes: Int) throws {
        let op = OpName.softmaxCrossEntropy
        try OpChecks.matrix(op, "logits", logits, rows: rows, columns: classes)
        try OpChecks.matrix(op, "gradLogits", gradLogits, rows: rows, columns: classes)
        try OpChecks.floats(op, count: rows, ("losses", losses))
        if let weights { try OpChecks.floats(op, count: rows, ("weights", weights)) }
        for (name, view) in [("labels", labels), ("predictions", predictions)] {
            guard let view else { continue }
            guard view.dtype == .int32, view.count == rows else {
                throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "\(name) must be int32 [\(rows)], got \(view.dtype) [\(view.count)]")
            }
        }
        guard classes > 0 else { throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "zero classes") }
    }
}

/// Per-row cross-entropy of softmax(logits) against labels, and ∂(scale · Σ loss)/∂logits; with
/// `buffers.predictions`, also each row's argmax (smallest index among ties) in the same pass.
public struct SoftmaxCrossEntropyOp: DeviceOp {
    public var buffers: CrossEntropyBuffers
    public var rows, classes: Int
    public var scale: Float

    public var call: OpCall {
        OpCall(Call(rows: rows, classes: classes, weighted: buffers.weights != nil, predictions: buffers.predictions != nil))
    }
    public func validate() throws { try buffers.validate(rows: rows, classes: classes) }

    public struct Call: OpCallKind {
        public var rows, classes: Int
        public var weighted: Bool
        /// Each row's argmax written too.
        public var predictions: Bool

        public var name: OpName { .softmaxCrossEntropy }
        public var shape: String { "[\(rows), \(classes)]" + (weighted ? " weighted" : "") + (predictions ? " argmax" : "") }
        public var cost: OpCost {
            OpCost(bytes: Double(8 * rows * classes + 8 * rows + (weighted ? 4 * rows : 0) + (predictions ? 4 * rows : 0)),
                   formula: "8RC (read logits, write dlogits) + 8R (labels, losses) + 4R (weights; predictions)")
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let (r, c, device) = (rows, classes, d.device)
            // Labels in 0..<c, every seventh row ignored (−1).
            var labels: [Int32] = []
            for row in 0..<r { labels.append(row % 7 == 6 ? -1 : Int32(d.random.next() % UInt64(c))) }
            let buffers = CrossEntropyBuffers(
                logits: try d.floats(r * c, "logits", -4, 4), labels: try device.upload(labels, label: "replay labels"),
                weights: weighted ? try d.floats(r, "weights", 0, 1) : nil, losses: try d.output(r, "losses"),
                gradLogits: try d.output(r * c, "dlogits"),                                   // [r, c], [r]
                predictions: predictions ? try device.upload([Int32](repeating: -1, count: r), label: "replay argmax") : nil)   // [r]
            let argmax = buffers.predictions.map { [("predictions", $0)] } ?? []
            return d.prepared(self, SoftmaxCrossEntropyOp(buffers: buffers, rows: r, classes: c, scale: 0.01),
                              outputs: [("losses", buffers.losses), ("dlogits", buffers.gradLogits)] + argmax,
                              atol: 1e-6, rtol: 1e-5)
        }
    }
}

/// Regression: `losses[r] = (predictions[r] − targets[r])²`, `gradPredictions[r] = 2·scale·(pred − target)`; rows
/// whose int32 `valid[r]` is negative (padding) give zero loss and gradient. All [rows]; gradPredictions may alias
/// predictions.
public struct SquaredErrorOp: DeviceOp {
    public var predictions, targets, valid, losses, gradPredictions: BufferView
    public var scale: Float

    public var call: OpCall { OpCall(Call(count: predictions.count)) }
    public func validate() throws {
        let rows = predictions.count
        guard valid.dtype == .int32, valid.count == rows else {
            throw ComputeError.shapeMismatch(operation: OpName.squaredError.rawValue, detail: "valid must be int32 [\(rows)], got \(valid.dtype) [\(valid.count)]")
        }
        try OpChecks.floats(.squaredError, count: rows, ("predictions", predictions), ("targets", targets),
                            ("losses", losses), ("gradPredictions", gradPredictions))
    }

    public struct Call: VectorCall {
        public var count: Int
        public var name: OpName { .squaredError }
        public var cost: OpCost { .perElement(count, 20, "read pred, target, valid; write loss, grad") }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let valid = try d.device.upload((0..<count).map { Int32($0 % 5 == 4 ? -1 : 0) }, label: "replay valid")
            let predictions = try d.floats(count, "predictions"), targets = try d.floats(count, "targets")   // [n]
            let losses = try d.output(count, "losses"), grads = try d.output(count, "grads")
            let op = SquaredErrorOp(predictions: predictions, targets: targets, valid: valid, losses: losses,
                                    gradPredictions: grads, scale: 0.5)
            return d.prepared(self, op, outputs: [("losses", losses), ("grads", grads)], atol: 1e-6, rtol: 1e-6)
        }
    }
}

extension OpCall {
    public static func softmaxCrossEntropy(rows: Int, classes: Int, weighted: Bool, predictions: Bool = false) -> OpCall {
        OpCall(SoftmaxCrossEntropyOp.Call(rows: rows, classes: classes, weighted: weighted, predictions: predictions))
    }
    public static func squaredError(count: Int) -> OpCall { OpCall(SquaredErrorOp.Call(count: count)) }
}

extension Device {
    /// The fused softmax + cross-entropy + gradient (+ argmax) (`SoftmaxCrossEntropyOp`).
    public func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float,
                                    role: OpRole = .unnamed) throws {
        try execute(SoftmaxCrossEntropyOp(buffers: b, rows: rows, classes: classes, scale: scale), role: role)
    }

    /// The squared error and its gradient (`SquaredErrorOp`).
    public func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                             gradPredictions: BufferView, scale: Float, role: OpRole = .unnamed) throws {
        try execute(SquaredErrorOp(predictions: predictions, targets: targets, valid: valid, losses: losses,
                                   gradPredictions: gradPredictions, scale: scale), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let softmaxCrossEntropy = OpName("softmaxCrossEntropy"), squaredError = OpName("squaredError")
}
