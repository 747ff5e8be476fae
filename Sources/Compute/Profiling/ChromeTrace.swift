import Foundation

/// A trace in Chrome's Trace Event Format (what chrome://tracing and Perfetto open): complete events ("X")
/// with a start and duration in microseconds, plus metadata events naming the process and thread.
///
/// Spans on one thread nest by time: a parent (a phase) starts no later and ends no earlier than each child
/// (an op, then its kernels). `write(to:)` replaces the file atomically.
public struct ChromeTrace: Codable, Sendable {
    /// One event. `ph` is "X" (complete) or "M" (metadata).
    public struct Event: Codable, Sendable, Equatable {
        /// Op, kernel or phase name.
        public var name: String
        /// "step", "phase", "op", "gemm", "kernel" (or "allocation"/"compile", never in a steady step).
        public var cat: String
        public var ph: String
        /// Start, µs from the trace's origin.
        public var ts: Double
        /// Duration in µs ("X" only).
        public var dur: Double?
        public var pid: Int
        public var tid: Int
        public var args: [String: String]?

        /// A complete event from nanosecond times relative to the origin.
        public static func span(_ name: String, category: String, startNanoseconds: UInt64, endNanoseconds: UInt64,
                                pid: Int = 1, tid: Int = 1, args: [String: String]? = nil) -> Event {
            Event(name: name, cat: category, ph: "X", ts: Double(startNanoseconds) / 1000,
                  dur: Double(endNanoseconds &- startNanoseconds) / 1000, pid: pid, tid: tid, args: args)
        }

        /// A metadata event (`process_name`, `thread_name`) naming `value`.
        public static func metadata(_ name: String, value: String, pid: Int = 1, tid: Int = 1) -> Event {
            Event(name: name, cat: "__metadata", ph: "M", ts: 0, dur: nil, pid: pid, tid: tid, args: ["name": value])
        }
    }

    /// The events, parents before children at equal start times.
    public var traceEvents: [Event]
    /// How viewers label times ("ms"); the data is always µs.
    public var displayTimeUnit: String
    /// Free-form facts about the run (device, model, time domain, allocations and compiles in the step).
    public var otherData: [String: String]

    /// A trace of `events` (sorted by start, longer first at equal starts) with `otherData` facts.
    public init(events: [Event], otherData: [String: String]) {
        // Parents first at equal start times, so viewers nest them without relying on their own sort.
        traceEvents = events.sorted { ($0.ts, -($0.dur ?? 0)) < ($1.ts, -($1.dur ?? 0)) }
        displayTimeUnit = "ms"
        self.otherData = otherData
    }

    /// The trace as JSON (sorted keys, so runs diff cleanly).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes the trace to `path` atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try jsonData(), to: path)
    }
}
