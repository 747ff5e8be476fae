import Foundation

extension CPUDevice {
    public func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float) throws {
        try b.validate(rows: rows, classes: classes)
        let op = "softmaxCrossEntropy"
        let logits = try floats(b.logits, op), grad = try floats(b.gradLogits, op)   // [rows, classes]
        let losses = try floats(b.losses, op)                                        // [rows]
        let weights = try b.weights.map { try floats($0, op) }
        let labels = try raw(b.labels, op).assumingMemoryBound(to: Int32.self)
        let predictions = try b.predictions.map { try raw($0, op).assumingMemoryBound(to: Int32.self) }   // [rows]
        parallel(rows, grain: max(1, 16_384 / classes)) { range in
            for r in range {
                let row = logits + r * classes, g = grad + r * classes
                let label = Int(labels[r])
                let valid = label >= 0 && label < classes
                let w: Float = valid ? (weights?[r] ?? 1) : 0
                var m = -Float.infinity
                for c in 0..<classes { m = max(m, row[c]) }
                if let predictions {   // as loss.cl: the first index holding the max, 0 when none does (NaN rows)
                    predictions[r] = Int32((0..<classes).first { row[$0] == m } ?? 0)
                }
                var total: Float = 0
                for c in 0..<classes { total += expf(row[c] - m) }
                let logTotal = logf(total) + m
                losses[r] = w == 0 ? 0 : w * (logTotal - row[label])
                for c in 0..<classes {
                    let p = expf(row[c] - logTotal)
                    g[c] = w * scale * (p - (c == label ? 1 : 0))
                }
            }
        }
    }
}

extension CPUDevice {
    public func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                             gradPredictions: BufferView, scale: Float) throws {
        try validateSquaredError(valid: valid, rows: predictions.count)
        try OpChecks.floats("squaredError", count: predictions.count, ("predictions", predictions), ("targets", targets),
                            ("losses", losses), ("gradPredictions", gradPredictions))
        let p = try floats(predictions, "squaredError"), t = try floats(targets, "squaredError")
        let l = try floats(losses, "squaredError"), g = try floats(gradPredictions, "squaredError")
        let v = try raw(valid, "squaredError").assumingMemoryBound(to: Int32.self)
        for r in 0..<predictions.count {
            let d = v[r] < 0 ? 0 : p[r] - t[r]
            l[r] = d * d
            g[r] = 2 * scale * d
        }
    }
}
