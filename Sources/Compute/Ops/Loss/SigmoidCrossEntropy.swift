// The multi-label loss: sigmoid + binary cross-entropy + gradient in one element-wise pass — the descriptor, its
// checks, call (cost, replay) and the device sugar. Bodies: Loss+CPU.swift, Loss+OpenCL.swift (Kernels/loss.cl,
// `sigmoid_cross_entropy`). The worked example of docs/architecture.md ("Adding an op").

/// Per element of logits x: [rows, columns] with targets t in [0, 1]: `losses = max(x, 0) − x·t + log(1 + e^−|x|)`
/// (binary cross-entropy of sigmoid(x) against t, as PyTorch's `BCEWithLogitsLoss` computes it) and
/// `gradLogits = scale · (sigmoid(x) − t)`; rows whose int32 `valid[r]` is negative (padding) give 0 and 0.
/// gradLogits may alias logits.
public struct SigmoidCrossEntropyOp: DeviceOp {
    public var logits, targets, valid, losses, gradLogits: BufferView   // [rows, columns]; [rows, columns]; int32 [rows]; [rows, columns]; [rows, columns]
    public var rows, columns: Int
    public var scale: Float

    public var call: OpCall { OpCall(Call(rows: rows, columns: columns)) }

    public func validate() throws {
        let op = OpName.sigmoidCrossEntropy
        for (name, view) in [("logits", logits), ("targets", targets), ("losses", losses), ("gradLogits", gradLogits)] {
            try OpChecks.matrix(op, name, view, rows: rows, columns: columns)
        }
        guard valid.dtype == .int32, valid.count == rows else {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                                             detail: "valid must be int32 [\(rows)], got \(valid.dtype) [\(valid.count)]")
        }
    }

    public struct Call: MatrixCall {
        public var rows, columns: Int
        public var name: OpName { .sigmoidCrossEntropy }
        public var cost: OpCost {
            OpCost(bytes: Double(16 * rows * columns + 4 * rows),
                   formula: "16RC (read logits, targets; write losses, dlogits) + 4R (valid)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let logits = try d.floats(rows * columns, "logits", -8, 8)                               // [rows, columns]
            let targets = try d.floats(rows * columns, "targets", 0, 1)                              // [rows, columns]
            let valid = try d.device.upload((0..<rows).map { Int32($0 % 5 == 4 ? -1 : 0) }, label: "replay valid")   // [rows]
            let losses = try d.output(rows * columns, "losses"), grads = try d.output(rows * columns, "dlogits")
            let op = SigmoidCrossEntropyOp(logits: logits, targets: targets, valid: valid, losses: losses, gradLogits: grads,
                                           rows: rows, columns: columns, scale: 0.25)
            return d.prepared(self, op, outputs: [("losses", losses), ("dlogits", grads)], atol: 1e-6, rtol: 1e-5)
        }
    }
}

extension OpCall {
    public static func sigmoidCrossEntropy(rows: Int, columns: Int) -> OpCall {
        OpCall(SigmoidCrossEntropyOp.Call(rows: rows, columns: columns))
    }
}

extension Device {
    /// Sigmoid + binary cross-entropy + gradient over [rows, columns] (`SigmoidCrossEntropyOp`).
    public func sigmoidCrossEntropy(logits: BufferView, targets: BufferView, valid: BufferView, losses: BufferView,
                                    gradLogits: BufferView, rows: Int, columns: Int, scale: Float,
                                    role: OpRole = .unnamed) throws {
        try execute(SigmoidCrossEntropyOp(logits: logits, targets: targets, valid: valid, losses: losses,
                                          gradLogits: gradLogits, rows: rows, columns: columns, scale: scale), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let sigmoidCrossEntropy = OpName("sigmoidCrossEntropy")
}
