// Losses on OpenCL: Kernels/loss.cl — cross-entropy one row work-group per row, the squared error one item per row.

extension SoftmaxCrossEntropyOp {
    public func run(on device: OpenCLDevice) throws {
        let (b, group) = (buffers, device.rowWorkGroupSize)
        try device.launch("softmax_cross_entropy", in: "loss.cl", global: [rows * group], local: [group], [
            .count(rows), .count(classes), .buffer(b.logits), .buffer(b.labels), .buffer(b.weights ?? b.losses),
            .uint(b.weights == nil ? 0 : 1), .buffer(b.losses), .buffer(b.gradLogits), .float(scale),
            .buffer(b.predictions ?? b.labels), .uint(b.predictions == nil ? 0 : 1),
        ])
    }
}

extension SquaredErrorOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("squared_error", in: "loss.cl", global: [predictions.count], [
            .count(predictions.count), .buffer(predictions), .buffer(targets), .buffer(valid), .buffer(losses),
            .buffer(gradPredictions), .float(scale),
        ])
    }
}

extension SigmoidCrossEntropyOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("sigmoid_cross_entropy", in: "loss.cl", global: [rows * columns], [
            .count(rows), .count(columns), .buffer(logits), .buffer(targets), .buffer(valid), .buffer(losses),
            .buffer(gradLogits), .float(scale),
        ])
    }
}
