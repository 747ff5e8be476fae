import COpenCL
import Foundation

/// A device that forwards every call to another device and records it: each operation as an `OpCall` (its
/// shapes and flags) with the host wall clock around it and, when the wrapped device is an `OpenCLDevice`
/// opened with profiling, the range of its profiling events the call produced; every allocation as an
/// `AllocationRecord`. Buffers are the wrapped device's, so views pass freely between the two.
///
/// On the CPU backend an operation has finished when the call returns, so the wall clock is its run time (the
/// profiler's trace of a CPU step is built from it); on OpenCL the wall clock is the enqueue time and the
/// events give device time. Wrapping a `DryRunDevice` records a whole step's calls without computing them.
///
/// ```swift
/// let recorder = RecordingDevice(wrapping: CPUDevice())
/// recorder.phase = "forward"
/// try encoderOn(recorder).forward()
/// print(recorder.records.map { "\($0.role): \($0.call)" })
/// ```
public final class RecordingDevice: Device, @unchecked Sendable {
    /// The device that does the work.
    public let inner: any Device
    /// Every call since the last `clear()`, in order.
    public private(set) var records: [OpRecord] = []
    /// Every allocation since the last `clear()`, in order.
    public private(set) var allocations: [AllocationRecord] = []
    /// Attached to the records made from now on (the profiler sets forward, backward, optimizer).
    public var phase = ""

    /// The wrapped OpenCL device when it records profiling events.
    let profiledOpenCL: OpenCLDevice?

    /// Records the calls made to `inner`; with a profiled `OpenCLDevice`, also their events.
    public init(wrapping inner: any Device) {
        self.inner = inner
        let openCL = inner as? OpenCLDevice
        profiledOpenCL = openCL?.profile == nil ? nil : openCL
    }

    public var info: DeviceInfo { inner.info }
    public var memory: MemoryAccountant { inner.memory }
    public var gemmPrecision: GEMMPrecision { inner.gemmPrecision }
    public var kernelScratchBytes: Int { inner.kernelScratchBytes }

    /// Forgets the records and allocations made so far.
    public func clear() {
        records.removeAll()
        allocations.removeAll()
    }

    public func allocateMemory(bytes: Int, label: String) throws -> DeviceAllocation {
        allocations.append(AllocationRecord(label: label, bytes: bytes, hostTime: Self.now(), phase: phase))
        return try inner.allocateMemory(bytes: bytes, label: label)
    }

    public func write(_ source: UnsafeRawBufferPointer, to view: BufferView) throws { try inner.write(source, to: view) }

    public func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws {
        try inner.read(view, into: destination)
    }

    public func synchronize() throws { try inner.synchronize() }

    public func reserveWorkspace(gemmBytes: Int) throws { try inner.reserveWorkspace(gemmBytes: gemmBytes) }

    public func releaseWorkspace() throws { try inner.releaseWorkspace() }

    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int { try inner.gemmWorkspaceBytes(shape) }
    public func batchedGEMMWorkspaceBytes(_ shape: GEMMShape, batch: BatchStrides) throws -> Int {
        try inner.batchedGEMMWorkspaceBytes(shape, batch: batch)
    }

    /// Records `op.call` with `role`, then runs `op` on the wrapped device.
    public func execute<Op: DeviceOp>(_ op: Op, role: OpRole) throws {
        try record(op.call, role: role) { try inner.execute(op, role: role) }
    }

    /// Runs `body` (the forwarded call) and records `call` with its wall clock, its profiling events and
    /// whether an OpenCL program was built or loaded meanwhile. Before a GEMM on a profiled OpenCL device a
    /// marker is enqueued (CLBlast reports only its last kernel's event; the marker's end is when the GEMM's
    /// first kernel could start).
    func record(_ call: OpCall, role: OpRole, _ body: () throws -> Void) throws {
        let openCL = profiledOpenCL
        let programsBefore = openCL?.programs.statistics
        let firstEvent = openCL?.profile?.count
        if call.isGEMM, let openCL { try openCL.enqueueMarker() }
        let start = Self.now()
        try body()
        let end = Self.now()
        let events = firstEvent.flatMap { first in openCL?.profile.map { first..<$0.count } }
        records.append(OpRecord(call: call, role: role, phase: phase, hostStart: start, hostEnd: end, events: events,
                                markedStart: call.isGEMM && openCL != nil,
                                compiled: programsBefore != openCL?.programs.statistics))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// One recorded operation.
public struct OpRecord: Sendable {
    public let call: OpCall
    /// Where the model code said the call is.
    public let role: OpRole
    /// `RecordingDevice.phase` when the call was made.
    public let phase: String
    /// Host uptime in nanoseconds before and after the call.
    public let hostStart: UInt64
    public let hostEnd: UInt64
    /// Indices into the wrapped OpenCL device's `timings()` of the events the call recorded (nil without a
    /// profiled OpenCL device). With `markedStart`, the first is a marker (`OpenCLDevice.markerName`).
    public let events: Range<Int>?
    /// Whether a marker event precedes the call's own events.
    public let markedStart: Bool
    /// Whether the call built, loaded or created an OpenCL program or kernel (never in a warm step).
    public let compiled: Bool
}

/// One allocation made through a `RecordingDevice`.
public struct AllocationRecord: Sendable {
    public let label: String
    public let bytes: Int
    public let hostTime: UInt64
    public let phase: String
}

extension OpenCLDevice {
    /// The name of the marker events `RecordingDevice` enqueues before GEMMs.
    public static let markerName = "(marker)"

    /// Enqueues a marker that completes when every earlier command has; recorded as a profiling event.
    func enqueueMarker() throws {
        try recordingEvent(Self.markerName, global: []) { event in
            try OpenCLStatus.check(clEnqueueMarkerWithWaitList(queue.handle, 0, nil, event), "clEnqueueMarkerWithWaitList")
        }
    }
}
