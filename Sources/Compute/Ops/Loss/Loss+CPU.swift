import Foundation

// The CPU twins of Kernels/loss.cl (softmax cross-entropy through the C kernel `softmax_cross_entropy` of Sources/CPUKernels).

extension SoftmaxCrossEntropyOp {
    public func run(on device: CPUDevice) throws {
        let (b, classes, scale, floats, raw) = (buffers, self.classes, self.scale, device.floats, device.raw)
        let op = OpName.softmaxCrossEntropy
        let logits = try floats(b.logits, op), grad = try floats(b.gradLogits, op)   // [rows, classes]
        let losses = try floats(b.losses, op)                                        // [rows]
        let weights = try b.weights.map { try floats($0, op) }
        let labels = try raw(b.labels, op).assumingMemoryBound(to: Int32.self)
        let predictions = try b.predictions.map { try raw($0, op).assumingMemoryBound(to: Int32.self) }   // [rows]
        let crossEntropy = device.kernels.table.softmax_cross_entropy!
        device.parallel(rows, grain: max(1, 16_384 / classes)) { range in
            crossEntropy(logits, grad, losses, weights, labels, predictions, classes, scale, range.lowerBound, range.upperBound)
        }
    }
}

extension SquaredErrorOp {
    public func run(on device: CPUDevice) throws {
        let (floats, raw) = (device.floats, device.raw)
        let p = try floats(predictions, .squaredError), t = try floats(targets, .squaredError)
        let l = try floats(losses, .squaredError), g = try floats(gradPredictions, .squaredError)
        let v = try raw(valid, .squaredError).assumingMemoryBound(to: Int32.self)
        for r in 0..<predictions.count {
            let d = v[r] < 0 ? 0 : p[r] - t[r]
            l[r] = d * d
            g[r] = 2 * scale * d
        }
    }
}

extension SigmoidCrossEntropyOp {
    public func run(on device: CPUDevice) throws {
        let op = OpName.sigmoidCrossEntropy
        let x = try device.floats(logits, op), t = try device.floats(targets, op)             // [rows, columns]
        let loss = try device.floats(losses, op), grad = try device.floats(gradLogits, op)    // [rows, columns]
        let v = try device.raw(valid, op).assumingMemoryBound(to: Int32.self)                // [rows]
        let (columns, scale) = (self.columns, self.scale)
        device.parallel(rows * columns) { range in
            for i in range {
                let (xi, ti) = (x[i], t[i])
                let kept = v[i / columns] >= 0
                // As loss.cl: exp of a non-positive argument only.
                let e = expf(-abs(xi))
                let sigmoid = xi >= 0 ? 1 / (1 + e) : e / (1 + e)
                loss[i] = kept ? max(xi, 0) - xi * ti + log1pf(e) : 0
                grad[i] = kept ? scale * (sigmoid - ti) : 0
            }
        }
    }
}
