import Dispatch
import Foundation

/// Splits `0..<count` into contiguous ranges and runs `body` on them across `threads` threads.
///
/// Work smaller than `grain` elements per thread runs inline: thread hand-off costs more than it saves. The ranges
/// run on OpenMP's thread team when the OpenMP runtime is loaded (oneDNN brings libgomp): the same threads oneDNN's
/// GEMMs use, so an element-wise op right after a GEMM does not compete with OpenMP threads still spinning for
/// work (measured here: 27 % of a MiniLM inference step was libgomp spinning against our Dispatch threads).
/// Without OpenMP they run on Dispatch's pool.
struct ParallelFor {
    let threads: Int

    func callAsFunction(_ count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, max(1, count / max(grain, 1)))
        if parts <= 1 {
            body(0..<count)
            return
        }
        let step = (count + parts - 1) / parts
        withoutActuallyEscaping(body) { escapable in
            // The ranges are disjoint and the call returns only when every part is done, so sharing the
            // closure (and the raw pointers it holds) across the worker threads is safe.
            nonisolated(unsafe) let work = escapable
            nonisolated(unsafe) let part = { (part: Int) in
                let start = part * step
                let end = min(count, start + step)
                if start < end { work(start..<end) }
            }
            if let openMP = OpenMPTeam.runtime {
                openMP.run(parts, part)
            } else {
                DispatchQueue.concurrentPerform(iterations: parts) { part($0) }
            }
        }
    }
}

/// libgomp's entry points for a parallel region, found at run time (`GOMP_parallel` is what `#pragma omp parallel`
/// compiles to); nil when no OpenMP runtime is loaded. Immutable once found.
struct OpenMPTeam: @unchecked Sendable {
    typealias Region = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Parallel = @convention(c) (Region, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    typealias Query = @convention(c) () -> Int32

    let parallel: Parallel
    let threadNumber: Query
    let teamSize: Query

    /// The loaded runtime's entry points.
    static let runtime: OpenMPTeam? = {
        let process = UnsafeMutableRawPointer(bitPattern: 0)
        guard let parallel = dlsym(process, "GOMP_parallel"), let number = dlsym(process, "omp_get_thread_num"),
              let size = dlsym(process, "omp_get_num_threads") else { return nil }
        return OpenMPTeam(parallel: unsafeBitCast(parallel, to: Parallel.self),
                          threadNumber: unsafeBitCast(number, to: Query.self), teamSize: unsafeBitCast(size, to: Query.self))
    }()

    /// Runs `body(0) … body(parts − 1)` in one parallel region of `parts` threads (each thread takes the parts
    /// congruent to its number, so a smaller team — e.g. inside another region — still covers them all).
    func run(_ parts: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            final class Context {
                let body: (Int) -> Void, parts: Int, team: OpenMPTeam
                init(_ body: @escaping (Int) -> Void, _ parts: Int, _ team: OpenMPTeam) {
                    (self.body, self.parts, self.team) = (body, parts, team)
                }
            }
            let context = Context(escapable, parts, self)
            let region: Region = { raw in
                let context = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
                let (thread, size) = (Int(context.team.threadNumber()), max(1, Int(context.team.teamSize())))
                for part in stride(from: thread, to: context.parts, by: size) { context.body(part) }
            }
            withExtendedLifetime(context) {
                parallel(region, Unmanaged.passUnretained(context).toOpaque(), UInt32(parts), 0)
            }
        }
    }
}
