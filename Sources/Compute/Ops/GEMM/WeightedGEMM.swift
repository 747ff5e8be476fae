/// One GEMM of a workload and how often it runs: `calls` calls, each multiplying `batch` matrices of `shape`
/// (`batch` > 1: one strided-batched call over contiguous matrices). What a tuner or profiler weighs a
/// shape's time by.
public struct WeightedGEMM: Sendable, Equatable, CustomStringConvertible {
    public var shape: GEMMShape
    /// Matrices per call (1 = a plain GEMM, more = `gemmStridedBatched`).
    public var batch: Int
    /// Calls per unit of work (e.g. per training step).
    public var calls: Int
    /// What the GEMM computes, for reports, in the code's role names ("FFN1 forward").
    public var label: String

    public init(_ shape: GEMMShape, batch: Int = 1, calls: Int = 1, label: String = "") {
        (self.shape, self.batch, self.calls, self.label) = (shape, batch, calls, label)
    }

    /// Floating-point operations of all calls.
    public var totalFlops: Double { shape.flops * Double(batch) * Double(calls) }

    /// m·n·k of one matrix: what CLBlast compares with XGEMM_MIN_INDIRECT_SIZE³ to choose its kernel.
    public var volume: UInt64 { UInt64(shape.m) * UInt64(shape.n) * UInt64(shape.k) }

    public var description: String {
        "\(shape)\(batch > 1 ? " ×\(batch) batched" : "")\(calls != 1 ? ", \(calls) calls" : "")"
            + (label.isEmpty ? "" : " (\(label))")
    }
}
