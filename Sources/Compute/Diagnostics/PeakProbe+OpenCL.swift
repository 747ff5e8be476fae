import COpenCL
import Foundation

// The OpenCL probes: Kernels/peak.cl (peak_mad per width, peak_copy) and clEnqueueCopyBuffer.

extension PeakProbe {
    /// Chains per work-item and steps per loop iteration of `peak_mad` (its SB_PEAK_CHAINS, SB_PEAK_UNROLL).
    static let madChains = 8, madUnroll = 16
    /// The multiply-add constants: y starts at a·x, and 0 < b < 1/4 makes x ← x·y + b, y ← y·x + b converge to
    /// (1 − √(1 − 4b)) / 2 ≈ 0.276 (the CPU probe's linear chains x ← a·x + b converge to b / (1 − a) = 1).
    static let madA: Float = 0.999, madB: Float = 0.2

    /// Work-items of one `peak_mad` launch: enough groups for every compute unit, fewer items at wider widths.
    static func madWorkItems(_ device: OpenCLDevice, width: Int) -> Int {
        max(1, device.info.computeUnits) * 16_384 / width
    }

    func openCLFLOPS(_ device: OpenCLDevice, width: Int) throws -> FLOPSMeasurement {
        let items = Self.madWorkItems(device, width: width)
        let out = try device.allocate(items, label: "peak probe output")                 // [items]
        let (iterations, seconds) = try calibrated(start: 4) { iterations in
            try device.timedSeconds {
                try Self.launchMad(device, width: width, iterations: iterations, out: out)
            }
        }
        let flops = 4.0 * Double(width * Self.madChains * Self.madUnroll) * Double(iterations) * Double(items)
        let checksum = try device.readFloats(out).reduce(0.0) { $0 + Double($1) }
        return FLOPSMeasurement(width: width, flops: flops, seconds: seconds, checksum: checksum)
    }

    /// Enqueues `peak_mad` built for `width` over `out.count` work-items.
    static func launchMad(_ device: OpenCLDevice, width: Int, iterations: Int, out: BufferView) throws {
        try device.launch("peak_mad", in: "peak.cl",
                          options: "-D SB_PEAK_WIDTH=\(width) -D SB_PEAK_CHAINS=\(madChains) -D SB_PEAK_UNROLL=\(madUnroll)",
                          global: [out.count], [.count(out.count), .count(iterations), .float(madA), .float(madB), .buffer(out)])
    }

    /// What `peak_mad` writes for work-item `gid`, computed on the host in double precision (the kernel's
    /// `mad` may or may not fuse; the recurrence is contractive, so both stay within a few ulps of this).
    static func expectedMad(gid: Int, width: Int, iterations: Int) -> Double {
        let base = 0.5 + 0.0001 * Double(Float(gid % 64))
        var total = 0.0
        for c in 0..<madChains {
            for lane in 0..<width {
                var x = Double(Float(Float(base) + 0.01 * Float(c)) + 0.001 * Float(lane))
                var y = Double(Float(x) * madA)
                for _ in 0..<(iterations * madUnroll) {
                    x = x * y + Double(madB)
                    y = y * x + Double(madB)
                }
                total += x + y
            }
        }
        return total
    }

    func openCLBandwidth(_ device: OpenCLDevice, bytes: Int) throws -> [BandwidthMeasurement] {
        let floats = bytes / 4
        let source = try device.allocate(floats, label: "bandwidth probe source")        // [floats]
        let destination = try device.allocate(floats, label: "bandwidth probe destination")
        try device.fill(source, value: 1)
        try device.fill(destination, value: 0)
        try device.synchronize()
        let n4 = floats / 4
        let kernel = try calibrated(start: 1) { repeats in
            try device.timedSeconds {
                for _ in 0..<repeats {
                    try device.launch("peak_copy", in: "peak.cl", global: [n4],
                                      [.count(n4), .buffer(source), .buffer(destination)])
                }
            }
        }
        let enqueued = try calibrated(start: 1) { repeats in
            try device.timedSeconds {
                for _ in 0..<repeats { try device.enqueueCopy(source, to: destination) }
            }
        }
        return [
            BandwidthMeasurement(method: "copy kernel", bytes: 2 * floats * 4 * kernel.iterations, seconds: kernel.seconds),
            BandwidthMeasurement(method: "clEnqueueCopyBuffer", bytes: 2 * floats * 4 * enqueued.iterations,
                                 seconds: enqueued.seconds),
        ]
    }
}

extension OpenCLDevice {
    /// Device seconds of the work `body` enqueues: the sum of its profiling events when the queue profiles
    /// (every launch and GEMM records one), else the wall clock from before `body` to the end of `clFinish`.
    func timedSeconds(_ body: () throws -> Void) throws -> Double {
        try synchronize()
        guard profile != nil else {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            try synchronize()
            return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        _ = try timings(clear: true)
        try body()
        try synchronize()
        return try timings(clear: true).reduce(0) { $0 + $1.seconds }
    }

    /// `clEnqueueCopyBuffer` of a whole view into another of the same size (recorded as an event when profiling).
    func enqueueCopy(_ source: BufferView, to destination: BufferView) throws {
        guard source.byteCount == destination.byteCount else {
            throw ComputeError.shapeMismatch(operation: "clEnqueueCopyBuffer",
                detail: "\(source.byteCount) bytes into \(destination.byteCount)")
        }
        let (from, to) = (try clMemory(source, "clEnqueueCopyBuffer"), try clMemory(destination, "clEnqueueCopyBuffer"))
        try recordingEvent("clEnqueueCopyBuffer", global: [source.byteCount]) { event in
            try OpenCLStatus.check(clEnqueueCopyBuffer(queue.handle, from.handle, to.handle, source.byteOffset,
                                                       destination.byteOffset, source.byteCount, 0, nil, event),
                                   "clEnqueueCopyBuffer")
        }
    }
}
