// Reductions, optimizer and loss ops of the dry run: the real backends' checks, no compute; the first sum of
// squares allocates the reduction scratch when the mirrored OpenCL device would.

extension DryRunDevice {
    public func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.matrix("sumRows", "x", x, rows: rows, columns: columns)
        try OpChecks.floats("sumRows", count: columns, ("out", out))
        try executed("sumRows", x, out)
    }

    public func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.floats("sumOfSquares", count: 1, ("out", out))
        guard x.dtype == .float32 else {
            throw ComputeError.dtypeMismatch(operation: "sumOfSquares", expected: .float32, got: x.dtype)
        }
        if openCLTarget != nil {
            // As OpenCLDevice.reductionScratch(): allocated on first use unless reserved.
            try reductionPartials.ensure(kernelScratchBytes, allocate: allocateMemory)
        }
        try executed("sumOfSquares", x, out)
    }

    public func adamw(_ s: OptimizerSlice, normSquared: BufferView, config: AdamWConfig) throws {
        try s.validate()
        try OpChecks.floats("adamw", count: 1, ("normSquared", normSquared))
        try executed("adamw", s.parameters, s.gradients, s.m, s.v, normSquared)
    }

    public func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float) throws {
        try b.validate(rows: rows, classes: classes)
        try executed("softmaxCrossEntropy", b.logits, b.labels, b.weights, b.losses, b.gradLogits, b.predictions)
    }

    public func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                             gradPredictions: BufferView, scale: Float) throws {
        try validateSquaredError(valid: valid, rows: predictions.count)
        try OpChecks.floats("squaredError", count: predictions.count, ("predictions", predictions), ("targets", targets),
                            ("losses", losses), ("gradPredictions", gradPredictions))
        try executed("squaredError", predictions, targets, valid, losses, gradPredictions)
    }
}
