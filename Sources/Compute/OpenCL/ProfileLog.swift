import Foundation

/// One kernel or GEMM execution recorded on a profiling queue.
public struct KernelTiming: Sendable {
    /// Kernel name (`gelu_forward_erf`, `CLBlastSgemm`, …).
    public let name: String
    /// Global and local work sizes (empty for library calls).
    public let globalSize: [Int]
    public let localSize: [Int]?
    /// Device timestamps in nanoseconds.
    public let queued: UInt64
    public let start: UInt64
    public let end: UInt64

    /// Execution time in seconds.
    public var seconds: Double { Double(end &- start) * 1e-9 }
}

/// The events of a profiling queue, resolved into timings on request. Owned by one `OpenCLDevice`.
final class ProfileLog: @unchecked Sendable {
    private var pending: [(name: String, global: [Int], local: [Int]?, event: CLEvent)] = []
    private var resolved: [KernelTiming] = []

    /// Executions recorded since the last clear (resolved or not): an index into the next `timings` result.
    var count: Int { resolved.count + pending.count }

    func record(_ name: String, global: [Int], local: [Int]?, event: CLEvent) {
        pending.append((name, global, local, event))
    }

    /// All timings so far, waiting for outstanding events; `clear` forgets them afterwards.
    func timings(clear: Bool) throws -> [KernelTiming] {
        for entry in pending {
            let t = try entry.event.profilingTimes()
            resolved.append(KernelTiming(name: entry.name, globalSize: entry.global, localSize: entry.local,
                                         queued: t.queued, start: t.start, end: t.end))
        }
        pending.removeAll()
        let result = resolved
        if clear { resolved.removeAll() }
        return result
    }
}
