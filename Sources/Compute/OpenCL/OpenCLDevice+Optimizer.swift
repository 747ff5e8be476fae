// Optimizer and loss kernels on OpenCL: Kernels/adamw.cl, Kernels/reduce.cl (sum of squares), Kernels/loss.cl.

extension OpenCLDevice {
    /// Work-groups of the first sum-of-squares stage: fixed, so the summation order never changes.
    static let sumSquaresGroups = 64

    public func sumOfSquares(_ x: BufferView, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.floats("sumOfSquares", count: 1, ("out", out))
        guard x.dtype == .float32 else { throw ComputeError.dtypeMismatch(operation: "sumOfSquares", expected: .float32, got: x.dtype) }
        let partials = try reductionScratch()
        try launch("sum_squares_partial", in: "reduce.cl", global: [Self.sumSquaresGroups * rowWorkGroupSize],
                   local: [rowWorkGroupSize], [.count(x.count), .buffer(x), .buffer(partials)])
        try launch("sum_squares_final", in: "reduce.cl", global: [rowWorkGroupSize], local: [rowWorkGroupSize],
                   [.count(Self.sumSquaresGroups), .buffer(partials), .buffer(out), .uint(accumulate ? 1 : 0)])
    }

    public func adamw(_ s: OptimizerSlice, normSquared: BufferView, config c: AdamWConfig) throws {
        try s.validate()
        try OpChecks.floats("adamw", count: 1, ("normSquared", normSquared))
        let (correction1, correction2) = c.corrections
        try launch("adamw_update", in: "adamw.cl", global: [s.parameters.count], [
            .count(s.parameters.count), .buffer(s.parameters), .buffer(s.gradients), .buffer(s.m), .buffer(s.v),
            .buffer(normSquared), .float(c.maxGradNorm), .float(c.learningRate), .float(c.beta1), .float(c.beta2),
            .float(c.epsilon), .float(c.weightDecay), .uint(c.biasCorrection ? 1 : 0), .float(correction1),
            .float(correction2),
        ])
    }

    public func softmaxCrossEntropy(_ b: CrossEntropyBuffers, rows: Int, classes: Int, scale: Float) throws {
        try b.validate(rows: rows, classes: classes)
        try launch("softmax_cross_entropy", in: "loss.cl", global: [rows * rowWorkGroupSize], local: [rowWorkGroupSize], [
            .count(rows), .count(classes), .buffer(b.logits), .buffer(b.labels), .buffer(b.weights ?? b.losses),
            .uint(b.weights == nil ? 0 : 1), .buffer(b.losses), .buffer(b.gradLogits), .float(scale),
            .buffer(b.predictions ?? b.labels), .uint(b.predictions == nil ? 0 : 1),
        ])
    }

    public func squaredError(predictions: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                             gradPredictions: BufferView, scale: Float) throws {
        try validateSquaredError(valid: valid, rows: predictions.count)
        try OpChecks.floats("squaredError", count: predictions.count, ("predictions", predictions), ("targets", targets),
                            ("losses", losses), ("gradPredictions", gradPredictions))
        try launch("squared_error", in: "loss.cl", global: [predictions.count], [
            .count(predictions.count), .buffer(predictions), .buffer(targets), .buffer(valid), .buffer(losses),
            .buffer(gradPredictions),
            .float(scale),
        ])
    }
}
