// Optimizer and loss ops of the recording device: recorded, then forwarded.

extension RecordingDevice {
    public func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool) throws {
        try record(.sumOfSquares(count: x.count, accumulate: accumulate)) {
            try inner.sumOfSquares(x, into: out, accumulate: accumulate)
        }
    }

    public func adamw(_ s: OptimizerSlice, normSquared: BufferView, config: AdamWConfig) throws {
        try record(.adamw(count: s.parameters.count)) { try inner.adamw(s, normSquared: normSquared, config: config) }
    }

    public func lamb(_ s: OptimizerSlice, tables: LAMBTables, normSquared: BufferView, config: LAMBConfig) throws {
        try record(.lamb(count: s.parameters.count, tensors: tables.tensorCount, chunks: tables.chunkCount)) {
            try inner.lamb(s, tables: tables, normSquared: normSquared, config: config)
        }
    }

    public func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float) throws {
        try record(.softmaxCrossEntropy(rows: rows, classes: classes, weighted: b.weights != nil,
                                     predictions: b.predictions != nil)) {
            try inner.softmaxCrossEntropy(b, rows: rows, classes: classes, scale: scale)
        }
    }

    public func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                             gradPredictions: BufferView, scale: Float) throws {
        try record(.squaredError(count: predictions.count)) {
            try inner.squaredError(predictions: predictions, targets: targets, valid: valid, losses: losses,
                                   gradPredictions: gradPredictions, scale: scale)
        }
    }
}
