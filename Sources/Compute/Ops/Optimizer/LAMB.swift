// The multi-tensor LAMB update: its device tables, the descriptor, checks, its call (cost, replay) and the device
// sugar (settings: LAMBConfig.swift; chunking: LAMBLayout.swift). Bodies: LAMB+CPU.swift, LAMB+OpenCL.swift
// (Kernels/lamb.cl).

/// A `LAMBLayout` on the device: its tables, uploaded once, and the per-chunk and per-tensor results each step
/// writes. Made by `LAMBTables.allocate(_:on:label:)`.
public struct LAMBTables {
    /// int32 [chunks, 3]: element offset (into the slice's four views), length, tensor index.
    public var chunks: BufferView
    /// int32 [tensors, 3]: first chunk, chunk count, flags (`LAMBTensor.flags`).
    public var tensors: BufferView
    /// [chunks, 2]: Σ p², Σ u² of each chunk (written by the step).
    public var partials: BufferView
    /// [tensors]: each tensor's trust ratio (written by the step).
    public var ratios: BufferView

    /// The four views of a layout's tables (see `LAMBTables.allocate`).
    public init(chunks: BufferView, tensors: BufferView, partials: BufferView, ratios: BufferView) {
        (self.chunks, self.tensors, self.partials, self.ratios) = (chunks, tensors, partials, ratios)
    }

    /// Chunks listed (rows of `chunks`).
    public var chunkCount: Int { chunks.count / 3 }
    /// Tensors listed (rows of `tensors`).
    public var tensorCount: Int { tensors.count / 3 }
}

extension LAMBTables {
    /// The shape checks every backend runs (the tables' contents are checked where they are built, and by the
    /// CPU backend, which can read them).
    func validate() throws {
        let op = OpName.lamb
        for (name, view, columns) in [("chunks", chunks, 3), ("tensors", tensors, 3)] {
            guard view.dtype == .int32, view.count % columns == 0 else {
                throw ComputeError.shapeMismatch(operation: op.rawValue,
                    detail: "\(name) must be int32 [rows, \(columns)], got \(view.dtype) [\(view.count)]")
            }
        }
        try OpChecks.floats(op, count: 2 * chunkCount, ("partials", partials))
        try OpChecks.floats(op, count: tensorCount, ("ratios", ratios))
    }
}

/// One LAMB step over the tensors `tables` lists in `slice` (parameters, gradients, m, v: [n] each): gradients are
/// clipped by the factor from `normSquared` ([1], the global Σ grad²) and `config.maxGradNorm`; m and v are updated,
/// the update u = m̂/(√v̂ + ε) + wd·p overwrites the gradients, each tensor's trust ratio r = ‖p‖/‖u‖ (1 for tensors
/// without `adapt` or with a zero norm) lands in `tables.ratios`, and p −= lr·r·u. Elements outside the listed
/// tensors are not touched. Deterministic: a fixed chunking and summation order.
public struct LAMBOp: DeviceOp {
    public var slice: OptimizerSlice
    public var tables: LAMBTables
    public var normSquared: BufferView
    public var config: LAMBConfig

    public var call: OpCall {
        OpCall(Call(count: slice.parameters.count, tensors: tables.tensorCount, chunks: tables.chunkCount))
    }
    public func validate() throws {
        try slice.validate(.lamb)
        try tables.validate()
        try OpChecks.floats(.lamb, count: 1, ("normSquared", normSquared))
    }

    public struct Call: OpCallKind {
        /// `count` elements of which `tensors` tensors in `chunks` chunks are updated (LAMBLayout).
        public var count, tensors, chunks: Int

        public var name: OpName { .lamb }
        public var shape: String { "[\(count)] \(tensors) tensors, \(chunks) chunks" }
        public var cost: OpCost {
            OpCost(bytes: Double(40 * count + 40 * chunks + 16 * tensors),
                   formula: "40N (read p, g, m, v; write m, v, u; read p, u; write p) + 40C (chunk rows twice, partials) + 16T")
        }
        public var launchKnob: LaunchKnob? { .rowWorkGroup }

        /// A synthetic layout with the recorded call's element, tensor and chunk counts.
        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let n = count
            let layout = try LAMBLayout.synthetic(count: n, tensors: tensors, chunks: chunks)
            let tables = try LAMBTables.allocate([layout], on: d.device, label: "replay LAMB")[0]
            let slice = OptimizerSlice(parameters: try d.floats(n, "parameters"), gradients: try d.floats(n, "gradients"),
                                       m: try d.floats(n, "m", -0.01, 0.01), v: try d.floats(n, "v", 0, 1e-4))   // [n] each
            let normSquared = try d.output(1, "norm²", 4)                             // [1]: norm 2, clipped to 1
            let op = LAMBOp(slice: slice, tables: tables, normSquared: normSquared,
                            config: LAMBConfig(learningRate: 1e-3, step: 3, maxGradNorm: 1))
            return d.prepared(self, op, outputs: [("parameters", slice.parameters), ("m", slice.m), ("v", slice.v),
                                                  ("update", slice.gradients), ("ratios", tables.ratios)],
                              atol: 2e-6, rtol: 1e-5)   // u's terms are of order 1 and can cancel
        }
    }
}

extension OpCall {
    public static func lamb(count: Int, tensors: Int, chunks: Int) -> OpCall {
        OpCall(LAMBOp.Call(count: count, tensors: tensors, chunks: chunks))
    }
}

extension Device {
    /// One multi-tensor LAMB step (`LAMBOp`).
    public func lamb(_ slice: OptimizerSlice, tables: LAMBTables, normSquared: BufferView, config: LAMBConfig,
                     role: OpRole = .unnamed) throws {
        try execute(LAMBOp(slice: slice, tables: tables, normSquared: normSquared, config: config), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let lamb = OpName("lamb")
}
