import Foundation

/// Measures what a device can do at best, so kernels can be reported as a fraction of it: multiply-add
/// throughput (chains of independent multiply-adds at vector widths 1–16, the best width is the peak) and
/// copy bandwidth (over buffers far larger than any cache).
///
/// On OpenCL the probes are the kernels of `Kernels/peak.cl` (one build per width), timed by profiling events
/// when the device was opened with `DeviceOptions(profiling: true)`, else by the wall clock around the launch
/// and `clFinish`; bandwidth is also measured with `clEnqueueCopyBuffer`. On the CPU backend the probes are
/// Swift SIMD loops (`Float`, `SIMD2` … `SIMD16`) on every thread, and a parallel `memcpy`. Each
/// measurement's iteration count is doubled until one run lasts at least `minimumSeconds`, then the best of
/// `repetitions` runs is kept (a peak is a best case).
///
/// ```swift
/// let peaks = try PeakProbe().measure(on: device)
/// print(peaks.bestFLOPS.gflops, peaks.bestBandwidth.gigabytesPerSecond)
/// ```
public struct PeakProbe: Sendable {
    /// What to measure and for how long.
    public struct Settings: Sendable, Equatable {
        /// Vector widths of the multiply-add chains (each of 1, 2, 4, 8, 16).
        public var widths: [Int]
        /// Shortest run that counts: iteration counts are doubled until a run lasts this long.
        public var minimumSeconds: Double
        /// Timed runs per measurement after calibration; the best is kept.
        public var repetitions: Int
        /// Bytes of each of the two buffers the bandwidth probe copies between (capped at the device's maximum
        /// allocation and a quarter of its free memory: `copyBufferBytes`).
        public var copyBytes: Int

        public init(widths: [Int] = [1, 2, 4, 8, 16], minimumSeconds: Double = 0.05, repetitions: Int = 3,
                    copyBytes: Int = 256 << 20) {
            self.widths = widths
            self.minimumSeconds = minimumSeconds
            self.repetitions = repetitions
            self.copyBytes = copyBytes
        }

        func validate() throws {
            guard !widths.isEmpty, widths.allSatisfy({ [1, 2, 4, 8, 16].contains($0) }) else {
                throw ComputeError.shapeMismatch(operation: "peak probe", detail: "widths must be among 1, 2, 4, 8, 16; got \(widths)")
            }
            guard minimumSeconds > 0, repetitions >= 1, copyBytes >= 1 << 16 else {
                throw ComputeError.shapeMismatch(operation: "peak probe",
                    detail: "minimumSeconds must be > 0, repetitions ≥ 1 and copyBytes ≥ 64 KiB")
            }
        }
    }

    public let settings: Settings

    /// A probe with `settings` (defaults: widths 1–16, ≥ 50 ms runs, best of 3, 256 MiB buffers).
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Both probes on `device` (the CPU backend or an OpenCL device; anything else throws).
    public func measure(on device: any Device) throws -> DevicePeaks {
        DevicePeaks(flops: try flops(on: device), bandwidth: try bandwidth(on: device))
    }

    /// Multiply-add throughput at every width of `settings`.
    public func flops(on device: any Device) throws -> [FLOPSMeasurement] {
        try settings.validate()
        if let openCL = device as? OpenCLDevice { return try settings.widths.map { try openCLFLOPS(openCL, width: $0) } }
        if let cpu = device as? CPUDevice { return settings.widths.map { cpuFLOPS(threads: cpu.parallel.threads, width: $0) } }
        throw unsupported(device)
    }

    /// Copy bandwidth: OpenCL's copy kernel and `clEnqueueCopyBuffer`, or the CPU's parallel `memcpy`.
    public func bandwidth(on device: any Device) throws -> [BandwidthMeasurement] {
        try settings.validate()
        let bytes = Self.copyBufferBytes(requested: settings.copyBytes, info: device.info, memory: device.memory)
        if let openCL = device as? OpenCLDevice { return try openCLBandwidth(openCL, bytes: bytes) }
        if let cpu = device as? CPUDevice { return [try cpuBandwidth(cpu, bytes: bytes)] }
        throw unsupported(device)
    }

    /// Bytes of each of the bandwidth probe's two buffers on a device: `requested`, capped at the device's largest
    /// allocation and at a quarter of the memory still free (so both buffers take at most half of it, on a
    /// 128 MiB device too), a multiple of 64 and at least 64 KiB.
    static func copyBufferBytes(requested: Int, info: DeviceInfo, memory: MemoryAccountant) -> Int {
        let limit = min(memory.capacity, memory.budget ?? .max)
        let free = max(limit - memory.current, 0)
        return max(min(requested, info.maxAllocation, free / 4) / 64 * 64, 1 << 16)
    }

    private func unsupported(_ device: any Device) -> ComputeError {
        .shapeMismatch(operation: "peak probe", detail: "only the CPU backend and OpenCL devices can be probed, not \(device.info)")
    }

    /// Doubles `iterations` from `start` until `run(iterations)` lasts `minimumSeconds`, then returns the best
    /// (shortest) of `repetitions` runs at that count.
    func calibrated(start: Int, _ run: (Int) throws -> Double) rethrows -> (iterations: Int, seconds: Double) {
        var iterations = max(1, start)
        var seconds = try run(iterations)
        while seconds < settings.minimumSeconds, iterations < 1 << 30 {
            let factor = seconds > 0 ? min(16, max(2, Int((settings.minimumSeconds / seconds).rounded(.up)))) : 16
            iterations *= factor
            seconds = try run(iterations)
        }
        var best = seconds
        for _ in 0..<settings.repetitions { best = min(best, try run(iterations)) }
        return (iterations, best)
    }
}

/// The multiply-add throughput at one vector width.
public struct FLOPSMeasurement: Sendable, Codable, Equatable {
    /// Lanes per multiply-add (1 = scalar).
    public let width: Int
    /// Floating-point operations of one run (each multiply-add counts 2).
    public let flops: Double
    /// Seconds of the best run.
    public let seconds: Double
    /// Sum of every chain's final value in the last run (finite and positive: the chains converge to 1).
    /// Reported so no compiler can drop the work.
    public let checksum: Double
    public var gflops: Double { flops / seconds / 1e9 }
}

/// One bandwidth probe: bytes read plus bytes written per second.
public struct BandwidthMeasurement: Sendable, Codable, Equatable {
    /// "copy kernel", "clEnqueueCopyBuffer" or "parallel memcpy".
    public let method: String
    /// Bytes read plus written in one run (2 × the buffer size).
    public let bytes: Int
    /// Seconds of the best run.
    public let seconds: Double
    public var gigabytesPerSecond: Double { Double(bytes) / seconds / 1e9 }
}

/// A device's measured peaks.
public struct DevicePeaks: Sendable, Codable, Equatable {
    /// One measurement per probed width, in the settings' order.
    public let flops: [FLOPSMeasurement]
    /// One measurement per copy method.
    public let bandwidth: [BandwidthMeasurement]

    public init(flops: [FLOPSMeasurement], bandwidth: [BandwidthMeasurement]) {
        self.flops = flops
        self.bandwidth = bandwidth
    }

    /// The fastest width: the device's peak multiply-add throughput.
    public var bestFLOPS: FLOPSMeasurement { flops.max { $0.gflops < $1.gflops } ?? FLOPSMeasurement(width: 1, flops: 0, seconds: 1, checksum: 0) }
    /// The fastest copy: the bandwidth kernels are compared with.
    public var bestBandwidth: BandwidthMeasurement {
        bandwidth.max { $0.gigabytesPerSecond < $1.gigabytesPerSecond } ?? BandwidthMeasurement(method: "none", bytes: 0, seconds: 1)
    }
}
