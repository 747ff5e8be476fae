/// A device that runs a schedule without computing it: allocations are charged to a memory accountant exactly
/// as the mirrored device would charge them, but take no memory; every operation runs the argument checks the
/// real backends run, so a wrong schedule still throws; GEMM scratch grows (or is reserved) as on the mirrored
/// device. A whole training step of a large model is "run" in moments, and its accountant's peak is the real
/// run's peak.
///
/// ```swift
/// let dry = DryRunDevice(mirroring: try DeviceSelector.make("opencl"))
/// let arena = try dry.makeArena(layout, label: "activations")   // no memory taken
/// try dry.layerNorm(forward, shape: shape)                      // checked, not computed
/// print(dry.memory.peak, dry.executedGEMMs)
/// ```
///
/// `read` fills the destination with zeros; `write` only checks sizes. Buffers of other devices are refused,
/// as on the real backends.
public final class DryRunDevice: Device, @unchecked Sendable {
    /// The mirrored device's description, its name prefixed "dry run of ".
    public let info: DeviceInfo
    /// This device's own accountant: the mirrored device's capacity (or the one given), and `budget` (default: the
    /// mirrored device's budget).
    public let memory: MemoryAccountant
    /// The device whose allocation and scratch behaviour this one mirrors.
    public let target: any Device
    /// One shape per GEMM call, in order (a strided-batched call records its per-matrix shape once).
    public private(set) var executedGEMMs: [GEMMShape] = []
    /// Operations issued (every op call that passed its checks; transfers and synchronization not counted).
    public private(set) var executedOps = 0

    /// The OpenCL device at the end of the mirroring chain, whose scratch rules apply; nil when there is none
    /// (the CPU backend allocates no scratch).
    let openCLTarget: OpenCLDevice?
    /// Whether the mirrored device is the CPU backend running bf16 GEMMs (whose operand copies are scratch).
    let bf16Operands: Bool
    /// The virtual GEMM scratch — OpenCL: CLBlast's temporary buffer; CPU with bf16 GEMMs: the operand copies —
    /// and the reduction scratch, grown as the backend grows them.
    let gemmWorkspace: ScratchBuffer
    let reductionPartials = ScratchBuffer(label: ScratchBuffer.reductionLabel)

    /// A dry run of `target` with its own accountant (`budget`, or the target's budget when nil; `capacity`, or the
    /// target's memory when nil — a larger one asks what a run would need on a bigger device of the same kind).
    public init(mirroring target: any Device, budget: Int? = nil, capacity: Int? = nil) {
        var info = target.info
        info.name = "dry run of " + info.name
        if let capacity { info.globalMemory = capacity }
        self.info = info
        self.target = target
        memory = MemoryAccountant(capacity: info.globalMemory, budget: budget ?? target.memory.budget)
        openCLTarget = (target as? OpenCLDevice) ?? (target as? DryRunDevice)?.openCLTarget
        bf16Operands = openCLTarget == nil && target.gemmPrecision == .bf16
        gemmWorkspace = ScratchBuffer(label: bf16Operands ? ScratchBuffer.bf16Label : ScratchBuffer.gemmLabel)
    }

    /// Charges `bytes` to the accountant — with the maximum-allocation check where the mirrored backend makes
    /// it here (OpenCL) — and returns a virtual allocation that gives the charge back when freed.
    public func allocateMemory(bytes: Int, label: String) throws -> DeviceAllocation {
        if openCLTarget != nil, bytes > info.maxAllocation {
            throw ComputeError.allocationTooLarge(label: label, requested: bytes, maxAllocation: info.maxAllocation)
        }
        try memory.reserve(bytes, label: label)
        return DeviceAllocation(bytes: bytes, label: label, storage: .virtual, owner: ObjectIdentifier(self),
                                accountant: memory)
    }

    /// Checks the view and the size; copies nothing.
    public func write(_ source: UnsafeRawBufferPointer, to view: BufferView) throws {
        try owned(.write, [view])
        try OpChecks.transfer("write", bytes: source.count, view)
    }

    /// Checks the view and the size and fills `destination` with zeros.
    public func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws {
        try owned(.read, [view])
        try OpChecks.transfer("read", bytes: destination.count, view)
        if let base = destination.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: destination.count) }
    }

    /// Nothing is queued.
    public func synchronize() throws {}

    /// Runs the op's shared checks, refuses buffers that are not this dry run's, charges what the op would
    /// allocate on the mirrored device (`DeviceOp.dryRun`) and counts it. Nothing is computed.
    public func execute<Op: DeviceOp>(_ op: Op, role: OpRole) throws {
        try op.validate()
        try owned(op.call.name, op.views)
        try op.dryRun(on: self)
        executedOps += 1
    }

    /// Refuses views that are not this dry run's virtual allocations (as the real backends refuse foreign ones).
    func owned(_ operation: OpName, _ views: [BufferView]) throws {
        for view in views where view.allocation.owner != ObjectIdentifier(self) || !view.allocation.isVirtual {
            throw ComputeError.foreignBuffer(operation: operation.rawValue)
        }
    }

    /// Records a GEMM call's (per-matrix) shape.
    func recordGEMM(_ shape: GEMMShape) {
        executedGEMMs.append(shape)
    }

    /// The mirrored device's answer.
    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try target.gemmWorkspaceBytes(shape)
    }

    /// The mirrored device's answer.
    public func batchedGEMMWorkspaceBytes(_ shape: GEMMShape, batch: BatchStrides) throws -> Int {
        try target.batchedGEMMWorkspaceBytes(shape, batch: batch)
    }

    /// The mirrored device's GEMM precision.
    public var gemmPrecision: GEMMPrecision { target.gemmPrecision }

    /// The mirrored device's kernel scratch.
    public var kernelScratchBytes: Int { target.kernelScratchBytes }

    /// As the mirrored device: on OpenCL the GEMM temporary buffer (when larger than the one held) and the
    /// reduction scratch are charged now; on the CPU nothing.
    public func reserveWorkspace(gemmBytes: Int) throws {
        try ScratchBuffer.checkReservation(gemmBytes: gemmBytes)
        if bf16Operands { try gemmWorkspace.ensure(gemmBytes, allocate: allocateMemory) }
        guard openCLTarget != nil else { return }
        try gemmWorkspace.ensure(gemmBytes, allocate: allocateMemory)
        try reductionPartials.ensure(kernelScratchBytes, allocate: allocateMemory)
    }

    public func releaseWorkspace() throws {
        gemmWorkspace.release()
        reductionPartials.release()
    }
}
