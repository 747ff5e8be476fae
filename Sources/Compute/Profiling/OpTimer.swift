import Foundation

/// How one call is timed: untimed warm-up runs, then `repetitions` timed runs, within a time budget.
public struct TimingSettings: Sendable, Equatable {
    /// Untimed runs first (kernel builds, caches, page faults).
    public var warmup: Int
    /// Timed runs, each alone (at least one).
    public var repetitions: Int
    /// Seconds one call may take in all, warm-up included: runs stop once they have taken this long, after the first
    /// warm-up and the first timed run (so a slow device or a simulator still finishes; a fast call is unaffected).
    public var budgetSeconds: Double

    public init(warmup: Int = 2, repetitions: Int = 10, budgetSeconds: Double = .infinity) {
        self.warmup = warmup
        self.repetitions = repetitions
        self.budgetSeconds = budgetSeconds
    }
}

/// Where a time comes from.
public enum TimeSource: String, Sendable, Codable {
    /// The sum of the call's OpenCL profiling events (device execution only).
    case deviceEvents = "device events"
    /// The host clock from the call to the end of `synchronize()` (CPU backend; CLBlast GEMMs, whose single
    /// event covers only their last kernel).
    case wallClock = "wall clock"
}

/// The timed runs of one call.
public struct OpTiming: Sendable {
    /// Seconds of each timed run, in order.
    public let seconds: [Double]
    public let source: TimeSource

    /// The median run (the mean of the middle two for an even count).
    public var median: Double {
        let sorted = seconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    /// (slowest − fastest) / median.
    public var spread: Double { median > 0 ? ((seconds.max() ?? 0) - (seconds.min() ?? 0)) / median : 0 }
}

/// Times prepared calls on their device.
public enum OpTimer {
    /// Runs `op` `settings.warmup` times untimed, then `settings.repetitions` times, each timed alone: by its
    /// profiling events on an OpenCL device opened with profiling (except CLBlast GEMMs), else by the wall
    /// clock around the call and `synchronize()`.
    public static func time(_ op: PreparedOp, on device: any Device, settings: TimingSettings) throws -> OpTiming {
        let start = DispatchTime.now().uptimeNanoseconds
        func overBudget() -> Bool { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 >= settings.budgetSeconds }
        for _ in 0..<max(0, settings.warmup) {
            try op.run()
            try device.synchronize()
            if overBudget() { break }
        }
        try device.synchronize()   // nothing queued before the first timed run (inputs included, with no warm-up)
        let openCL = (device as? OpenCLDevice).flatMap { $0.profile == nil ? nil : $0 }
        var seconds: [Double] = []
        for _ in 0..<max(1, settings.repetitions) where seconds.isEmpty || !overBudget() {
            if let openCL, !op.call.isGEMM {
                seconds.append(try openCL.timedSeconds { try op.run() })
            } else {
                let start = DispatchTime.now().uptimeNanoseconds
                try op.run()
                try device.synchronize()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
        }
        // Events of wall-clock runs are not needed: drop them so the profiling log does not grow.
        if let openCL { _ = try openCL.timings(clear: true) }
        return OpTiming(seconds: seconds, source: openCL != nil && !op.call.isGEMM ? .deviceEvents : .wallClock)
    }
}
