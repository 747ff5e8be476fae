import Compute
import Foundation

/// Everything one `bert-prof profile` run measured, as `--json` prints it and the tables read it.
struct ProfileReport: Codable {
    struct Width: Codable {
        let width: Int
        let gflops: Double
        let seconds: Double
    }

    struct Bandwidth: Codable {
        let method: String
        let gigabytesPerSecond: Double
        let bytes: Int
        let seconds: Double
    }

    struct Peaks: Codable {
        let flops: [Width]
        let bestWidth: Int
        let bestGFLOPS: Double
        let bandwidth: [Bandwidth]
        let bestBandwidthMethod: String
        let bestGigabytesPerSecond: Double
    }

    /// One catalog entry's row.
    struct Row: Codable {
        let op: String
        let shape: String
        let role: String
        let callsPerStep: Int
        let phases: [String]
        let check: String
        let passed: Bool?
        let medianSeconds: Double?
        let spread: Double?
        let repetitions: Int?
        let timeSource: String?
        let bytes: Double
        let bytesFormula: String
        let gigabytesPerSecond: Double?
        /// GB/s over the measured copy bandwidth.
        let fractionOfBandwidth: Double?
        let flops: Double?
        let gflops: Double?
        /// GFLOP/s over the measured peak multiply-add rate.
        let fractionOfPeak: Double?
        /// median × calls per step.
        let secondsPerStep: Double?
        let error: String?
    }

    /// A CPU GEMM shape of the step: our median against each library called directly on the same shape (seconds
    /// per call from the backend's one-time measurement, `<cache>/cpu-gemm/`).
    struct GEMMLibraries: Codable {
        let shape: String
        let chosen: String
        let flops: Double
        let librarySeconds: [String: Double]
        let oursSeconds: Double
        /// The fastest library's seconds over ours (≥ 0.9 is the goal).
        var ratioToFastest: Double { (librarySeconds.values.min() ?? .infinity) / oursSeconds }
    }

    struct SweepVariant: Codable {
        let label: String
        let isDefault: Bool
        let medianSeconds: Double?
        let passed: Bool
        let error: String?
    }

    struct Sweep: Codable {
        let op: String
        let shape: String
        let knob: String
        let variants: [SweepVariant]
        let winner: String?
        /// Default median over the winner's.
        let speedupOverDefault: Double?
    }

    struct Trace: Codable {
        let path: String
        let stepSeconds: Double
        let phaseSeconds: [String: Double]
        /// Seconds per op name summed over the traced step.
        let opSeconds: [String: Double]
        let ops: Int
        let kernels: Int
        let allocationsInStep: Int
        let compilesInStep: Int

        /// "step 29.4 s: forward 9.7 s, …; GEMMs 81 %, …" — the phases and the five largest op shares.
        var summary: String {
            let phases = ["forward", "backward", "optimizer"].compactMap { name in
                phaseSeconds[name].map { "\(name) \(Format.milliseconds($0))" }
            }.joined(separator: ", ")
            let shares = opSeconds.sorted { $0.value > $1.value }.prefix(5).map {
                "\($0.key) \(Format.percent($0.value / max(stepSeconds, 1e-12)))"
            }.joined(separator: ", ")
            return "step \(Format.milliseconds(stepSeconds)) (\(phases)); largest shares: \(shares); \(ops) ops, \(kernels) "
                + "kernels; \(allocationsInStep) allocations and \(compilesInStep) compiles in the step"
        }
    }

    let command: String
    let date: String
    let device: String
    let model: String
    let batch: Int
    let sequence: Int
    let warmup: Int
    let repetitions: Int
    let gemmRepetitions: Int
    let peaks: Peaks
    let rows: [Row]
    let sweeps: [Sweep]
    /// Kernels without a variant knob, and why nothing was swept for them.
    let notSwept: String
    /// CPU backend only: every GEMM shape of the step against the libraries called directly.
    var gemmLibraries: [GEMMLibraries] = []
    /// Σ median × calls over the step's entries (a lower bound of a step: no launch gaps).
    let stepSecondsFromTable: Double
    var trace: Trace?
}

extension ProfileReport.Peaks {
    init(_ peaks: DevicePeaks) {
        flops = peaks.flops.map { ProfileReport.Width(width: $0.width, gflops: $0.gflops, seconds: $0.seconds) }
        bestWidth = peaks.bestFLOPS.width
        bestGFLOPS = peaks.bestFLOPS.gflops
        bandwidth = peaks.bandwidth.map {
            ProfileReport.Bandwidth(method: $0.method, gigabytesPerSecond: $0.gigabytesPerSecond, bytes: $0.bytes, seconds: $0.seconds)
        }
        bestBandwidthMethod = peaks.bestBandwidth.method
        bestGigabytesPerSecond = peaks.bestBandwidth.gigabytesPerSecond
    }
}

extension ProfileReport.Row {
    init(_ m: EntryMeasurement, peaks: ProfileReport.Peaks) {
        let call = m.entry.call
        let median = m.timing?.median
        let gbps = median.map { call.bytes / $0 / 1e9 }
        let gflops = median.flatMap { t in call.flops.map { $0 / t / 1e9 } }
        self.init(op: call.name.rawValue, shape: call.shape, role: m.entry.role, callsPerStep: m.entry.callsPerStep,
                  phases: m.entry.phases, check: m.validation?.summary ?? "error", passed: m.validation.map { $0.comparisons.isEmpty ? nil : $0.passed } ?? false,
                  medianSeconds: median, spread: m.timing?.spread, repetitions: m.timing?.seconds.count,
                  timeSource: m.timing?.source.rawValue, bytes: call.bytes, bytesFormula: call.bytesFormula,
                  gigabytesPerSecond: gbps, fractionOfBandwidth: gbps.map { $0 / peaks.bestGigabytesPerSecond },
                  flops: call.flops, gflops: gflops, fractionOfPeak: gflops.map { $0 / peaks.bestGFLOPS },
                  secondsPerStep: median.map { $0 * Double(m.entry.callsPerStep) }, error: m.error)
    }
}

extension ProfileReport.Sweep {
    init(_ outcome: KernelSweep.Outcome) {
        let winner = outcome.winner
        self.init(op: outcome.entry.call.name.rawValue, shape: outcome.entry.call.shape, knob: outcome.knob.title,
                  variants: outcome.results.map {
                      ProfileReport.SweepVariant(label: $0.variant.label, isDefault: $0.variant.isDefault,
                                                 medianSeconds: $0.median, passed: $0.passed, error: $0.error)
                  },
                  winner: winner?.variant.label,
                  speedupOverDefault: winner.flatMap { w in outcome.defaultMedian.map { $0 / w.median } })
    }
}
