// Replay of a LAMB step: a synthetic layout with the recorded call's element, tensor and chunk counts.

extension OpReplay {
    static func lamb(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        guard case let .lamb(n, tensors, chunks) = call else {
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not a LAMB call")
        }
        let device = d.device
        let layout = try LAMBLayout.synthetic(count: n, tensors: tensors, chunks: chunks)
        let tables = try LAMBTables.allocate([layout], on: device, label: "replay LAMB")[0]
        let slice = OptimizerSlice(parameters: try d.floats(n, "parameters"), gradients: try d.floats(n, "gradients"),
                                   m: try d.floats(n, "m", -0.01, 0.01), v: try d.floats(n, "v", 0, 1e-4))   // [n] each
        let normSquared = try d.output(1, "norm²", 4)                                 // [1]: norm 2, clipped to 1
        let config = LAMBConfig(learningRate: 1e-3, step: 3, maxGradNorm: 1)
        return PreparedOp(call: call, run: { try device.lamb(slice, tables: tables, normSquared: normSquared, config: config) },
                          outputs: [("parameters", slice.parameters), ("m", slice.m), ("v", slice.v),
                                    ("update", slice.gradients), ("ratios", tables.ratios)],
                          atol: 2e-6, rtol: 1e-5)   // u's terms are of order 1 and can cancel
    }
}
