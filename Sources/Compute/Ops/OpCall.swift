/// One kind of device operation described by its shapes and flags, without buffers — each op's descriptor has
/// one (`LayerNormOp.Call`, `GEMMOp.Call`, …). It says what the profiler shows and counts for the call and how
/// to rebuild the call with fresh buffers on any device.
///
/// Bytes count every input element read once and every output element written once (4 bytes per float32 or
/// int32, 2 per float16); nothing is counted for caches, re-reads or recomputed dropout masks, so a kernel that
/// reads an input twice shows below its real traffic. FLOPs are counted only where arithmetic, not memory, can
/// be the limit (GEMMs, the online-softmax attention).
public protocol OpCallKind: Sendable, Hashable {
    /// The device method this call is (`layerNorm`, `gemmStridedBatched`, …).
    var name: OpName { get }
    /// Shape and flags, e.g. `[1024, 768] residual dropout` or `1024×2304×768 Bᵀ`.
    var shape: String { get }
    /// What the call must move (and, where it matters, compute) at minimum.
    var cost: OpCost { get }
    /// Whether the call is a BLAS GEMM (CLBlast or OpenBLAS) rather than one of our kernels.
    var isGEMM: Bool { get }
    /// The launch-shape knob of the OpenCL kernels this call runs (nil: none, e.g. CLBlast's GEMMs).
    var launchKnob: LaunchKnob? { get }
    /// Fresh buffers of this call's shapes on `data.device`, filled from `data`'s seed, and the call ready to run.
    func replay(_ data: inout ReplayData) throws -> PreparedOp
}

extension OpCallKind {
    public var isGEMM: Bool { false }
    public var launchKnob: LaunchKnob? { .elementwise }
}

/// A call over `count` elements: its shape text is `[count]` followed by its flags (` +=`, ` erf`, …).
public protocol VectorCall: OpCallKind {
    var count: Int { get }
    /// Text after the shape: the settings that change the work.
    var flags: String { get }
}

extension VectorCall {
    public var shape: String { "[\(count)]" + flags }
    public var flags: String { "" }
}

/// A call over a [rows, columns] matrix: its shape text is `[rows, columns]` followed by its flags.
public protocol MatrixCall: OpCallKind {
    var rows: Int { get }
    var columns: Int { get }
    /// Text after the shape: the settings that change the work.
    var flags: String { get }
}

extension MatrixCall {
    public var shape: String { "[\(rows), \(columns)]" + flags }
    public var flags: String { "" }
}

/// One device operation described by its shapes and flags, without buffers: what `RecordingDevice` records,
/// what the profiler groups a training step's calls by, and what `OpReplay` rebuilds on any device with fresh
/// buffers. Calls are equal when they are the same kind with the same shapes and flags (typed values, never text).
public struct OpCall: Sendable, Hashable, CustomStringConvertible {
    /// The op's own description (`kind as? LayerNormOp.Call` reads its fields).
    public let kind: any OpCallKind

    public init(_ kind: any OpCallKind) {
        self.kind = kind
    }

    public var name: OpName { kind.name }
    public var shape: String { kind.shape }
    public var description: String { "\(name) \(shape)" }
    /// Minimum bytes read plus written (see `bytesFormula`): the denominator of the profiler's GB/s.
    public var bytes: Double { kind.cost.bytes }
    /// The formula behind `bytes`, in the shape's letters (N elements, R×C matrices, …).
    public var bytesFormula: String { kind.cost.formula }
    /// Floating-point operations where arithmetic can be the limit (GEMMs, online-softmax attention); nil elsewhere.
    public var flops: Double? { kind.cost.flops }
    public var isGEMM: Bool { kind.isGEMM }
    public var launchKnob: LaunchKnob? { kind.launchKnob }

    public static func == (a: OpCall, b: OpCall) -> Bool { AnyHashable(a.kind) == AnyHashable(b.kind) }

    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(kind)) }
}

/// What one call must move and compute at minimum — the denominators of the profiler's GB/s and GFLOP/s.
public struct OpCost: Sendable, Equatable {
    /// Bytes read plus written, each element once.
    public var bytes: Double
    /// The formula behind `bytes`, in the shape's letters (N elements, R×C matrices, …).
    public var formula: String
    /// Floating-point operations, where arithmetic rather than memory can be the limit; nil elsewhere.
    public var flops: Double?

    public init(bytes: Double, formula: String, flops: Double? = nil) {
        self.bytes = bytes
        self.formula = formula
        self.flops = flops
    }

    /// `count` elements moving `bytesPerElement` bytes each: formula "kN (what)".
    public static func perElement(_ count: Int, _ bytesPerElement: Int, _ what: String) -> OpCost {
        OpCost(bytes: Double(bytesPerElement) * Double(count), formula: "\(bytesPerElement)N (\(what))")
    }
}
