import Dispatch

/// Splits `0..<count` into contiguous ranges and runs `body` on them across `threads` threads.
///
/// Work smaller than `grain` elements per thread runs inline: thread hand-off costs more than it saves.
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
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = part * step
                let end = min(count, start + step)
                if start < end { work(start..<end) }
            }
        }
    }
}
