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
        self.chunks = chunks
        self.tensors = tensors
        self.partials = partials
        self.ratios = ratios
    }

    /// Chunks listed (rows of `chunks`).
    public var chunkCount: Int { chunks.count / 3 }
    /// Tensors listed (rows of `tensors`).
    public var tensorCount: Int { tensors.count / 3 }
}

/// The LAMB update over many tensors of one buffer (see Kernels/lamb.cl).
public protocol LAMBOps {
    /// One LAMB step over the tensors `tables` lists in `slice` (parameters, gradients, m, v: [n] each):
    /// gradients are clipped by the factor from `normSquared` ([1], the global Σ grad²) and
    /// `config.maxGradNorm`; m and v are updated, the update u = m̂/(√v̂ + ε) + wd·p overwrites the gradients,
    /// each tensor's trust ratio r = ‖p‖/‖u‖ (1 for tensors without `adapt` or with a zero norm) lands in
    /// `tables.ratios`, and p −= lr·r·u. Elements outside the listed tensors are not touched. Deterministic: a
    /// fixed chunking and summation order.
    func lamb(_ slice: OptimizerSlice, tables: LAMBTables, normSquared: BufferView, config: LAMBConfig) throws
}

extension LAMBTables {
    /// The shape checks every backend runs (the tables' contents are checked where they are built, and by the
    /// CPU backend, which can read them).
    func validate() throws {
        let op = "lamb"
        for (name, view, columns) in [("chunks", chunks, 3), ("tensors", tensors, 3)] {
            guard view.dtype == .int32, view.count % columns == 0 else {
                throw ComputeError.shapeMismatch(operation: op,
                    detail: "\(name) must be int32 [rows, \(columns)], got \(view.dtype) [\(view.count)]")
            }
        }
        try OpChecks.floats(op, count: 2 * chunkCount, ("partials", partials))
        try OpChecks.floats(op, count: tensorCount, ("ratios", ratios))
    }
}
