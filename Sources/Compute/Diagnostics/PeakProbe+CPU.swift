import Foundation

// The CPU backend's probes: Swift SIMD multiply-add chains on every thread, and a parallel memcpy.
//
// The chains are written `x = x * a + b` (a multiply and an add, 2 FLOPs per lane): Swift does not contract
// them into FMAs, and the package is built for the baseline x86-64 target (SSE2), so this measures what the
// backend's own Swift kernels can reach — OpenBLAS dispatches to AVX-512/FMA at run time and can exceed it.

extension PeakProbe {
    func cpuFLOPS(threads: Int, width: Int) -> FLOPSMeasurement {
        var checksum = 0.0
        let (iterations, seconds) = calibrated(start: 1024) { iterations in
            let start = DispatchTime.now().uptimeNanoseconds
            // Each thread writes only its own slot.
            nonisolated(unsafe) let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: threads)
            defer { sums.deallocate() }
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                sums[thread] = Self.cpuChains(width: width, iterations: iterations, seed: Float(thread) * 0.001)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            checksum = Double(sums.reduce(0, +))   // reported, so the loops cannot be dropped
            return elapsed
        }
        let flops = 2.0 * Double(width * Self.cpuChainCount) * Double(iterations) * Double(threads)
        return FLOPSMeasurement(width: width, flops: flops, seconds: seconds, checksum: checksum)
    }

    /// Independent chains per thread.
    static let cpuChainCount = 8
    /// The CPU chains' constants: x ← a·x + b converges to b / (1 − a) = 1. (Swift never reassociates
    /// floating-point arithmetic, so linear chains cannot be collapsed here.)
    static let cpuA: Float = 0.999, cpuB: Float = 0.001

    /// Runs `cpuChainCount` chains of `width` lanes for `iterations` steps and returns the sum of every lane.
    static func cpuChains(width: Int, iterations: Int, seed: Float) -> Float {
        switch width {
        case 1: return chains(SIMD2<Float>.self, scalar: true, iterations, seed)
        case 2: return chains(SIMD2<Float>.self, scalar: false, iterations, seed)
        case 4: return chains(SIMD4<Float>.self, scalar: false, iterations, seed)
        case 8: return chains(SIMD8<Float>.self, scalar: false, iterations, seed)
        default: return chains(SIMD16<Float>.self, scalar: false, iterations, seed)
        }
    }

    /// Eight chains `x ← x·a + b` of vector type `V` (or of scalars, using lane 0 only, when `scalar`).
    @inline(never)
    private static func chains<V: SIMD>(_: V.Type, scalar: Bool, _ iterations: Int, _ seed: Float) -> Float
        where V.Scalar == Float {
        // a and b come through an opaque call so the optimiser cannot fold the chains.
        let (a, b) = (opaque(cpuA), opaque(cpuB))
        if scalar {
            var x0 = 0.50 + seed, x1 = 0.51 + seed, x2 = 0.52 + seed, x3 = 0.53 + seed
            var x4 = 0.54 + seed, x5 = 0.55 + seed, x6 = 0.56 + seed, x7 = 0.57 + seed
            for _ in 0..<iterations {
                x0 = x0 * a + b; x1 = x1 * a + b; x2 = x2 * a + b; x3 = x3 * a + b
                x4 = x4 * a + b; x5 = x5 * a + b; x6 = x6 * a + b; x7 = x7 * a + b
            }
            return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7
        }
        let va = V(repeating: a), vb = V(repeating: b)
        var x0 = V(repeating: 0.50 + seed), x1 = V(repeating: 0.51 + seed), x2 = V(repeating: 0.52 + seed)
        var x3 = V(repeating: 0.53 + seed), x4 = V(repeating: 0.54 + seed), x5 = V(repeating: 0.55 + seed)
        var x6 = V(repeating: 0.56 + seed), x7 = V(repeating: 0.57 + seed)
        for _ in 0..<iterations {
            x0 = x0 * va + vb; x1 = x1 * va + vb; x2 = x2 * va + vb; x3 = x3 * va + vb
            x4 = x4 * va + vb; x5 = x5 * va + vb; x6 = x6 * va + vb; x7 = x7 * va + vb
        }
        return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7).sum()
    }

    @inline(never)
    private static func opaque(_ value: Float) -> Float { value }

    func cpuBandwidth(_ device: CPUDevice, bytes: Int) throws -> BandwidthMeasurement {
        let source = try device.allocate(bytes / 4, label: "bandwidth probe source")            // [bytes/4]
        let destination = try device.allocate(bytes / 4, label: "bandwidth probe destination")
        // Touch every page first, so page faults are not timed.
        try device.fill(source, value: 1)
        try device.fill(destination, value: 0)
        // The threads copy disjoint ranges.
        nonisolated(unsafe) let from = try device.raw(source, .copy)
        nonisolated(unsafe) let to = try device.raw(destination, .copy)
        let threads = device.parallel.threads
        let chunk = (bytes / threads + 63) / 64 * 64
        let (repeats, seconds) = calibrated(start: 1) { repeats in
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repeats {
                DispatchQueue.concurrentPerform(iterations: threads) { part in
                    let offset = part * chunk
                    let count = min(chunk, bytes - offset)
                    if count > 0 { memcpy(to + offset, from + offset, count) }
                }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        return BandwidthMeasurement(method: "parallel memcpy", bytes: 2 * bytes * repeats, seconds: seconds)
    }
}
