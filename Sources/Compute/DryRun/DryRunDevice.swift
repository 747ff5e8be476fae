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
    /// This device's own accountant: the mirrored device's capacity, and `budget` (default: the mirrored
    /// device's budget).
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
    /// The virtual CLBlast GEMM temporary buffer and reduction scratch, grown as the OpenCL backend grows them.
    let gemmWorkspace = ScratchBuffer(label: ScratchBuffer.gemmLabel)
    let reductionPartials = ScratchBuffer(label: ScratchBuffer.reductionLabel)

    /// A dry run of `target` with its own accountant (`budget`, or the target's budget when nil).
    public init(mirroring target: any Device, budget: Int? = nil) {
        var info = target.info
        info.name = "dry run of " + info.name
        self.info = info
        self.target = target
        memory = MemoryAccountant(capacity: target.info.globalMemory, budget: budget ?? target.memory.budget)
        openCLTarget = (target as? OpenCLDevice) ?? (target as? DryRunDevice)?.openCLTarget
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
        try owned("write", view)
        try OpChecks.transfer("write", bytes: source.count, view)
    }

    /// Checks the view and the size and fills `destination` with zeros.
    public func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws {
        try owned("read", view)
        try OpChecks.transfer("read", bytes: destination.count, view)
        if let base = destination.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: destination.count) }
    }

    /// Nothing is queued.
    public func synchronize() throws {}

    /// Refuses views that are not this dry run's virtual allocations (as the real backends refuse foreign ones).
    func owned(_ operation: String, _ views: BufferView?...) throws {
        try checkOwned(operation, views)
    }

    /// Records an operation whose arguments passed the shared checks: its buffers must be this device's.
    func executed(_ operation: String, _ views: BufferView?...) throws {
        try checkOwned(operation, views)
        executedOps += 1
    }

    private func checkOwned(_ operation: String, _ views: [BufferView?]) throws {
        for case let view? in views where view.allocation.owner != ObjectIdentifier(self) || !view.allocation.isVirtual {
            throw ComputeError.foreignBuffer(operation: operation)
        }
    }

    /// Records a GEMM call's (per-matrix) shape.
    func recordGEMM(_ shape: GEMMShape) {
        executedGEMMs.append(shape)
    }
}
