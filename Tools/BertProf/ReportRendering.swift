import Foundation

// The report as text (default) and markdown (`--markdown`, for docs/kernels.md).

extension ProfileReport {
    private var opHeader: [String] {
        ["op", "shape", "role", "calls", "median", "spread", "GB/s", "of copy BW", "GFLOP/s", "of peak", "per step", "check"]
    }

    private func opCells(_ r: Row, compact: Bool = false) -> [String] {
        let check = compact ? r.passed.map { $0 ? "ok" : "FAIL" } ?? (r.error == nil ? "ref" : "ERROR") : r.check
        return [r.op, r.shape, r.role, r.callsPerStep == 0 ? "extra" : String(r.callsPerStep),
         r.medianSeconds.map(Format.milliseconds) ?? "–", r.spread.map { Format.percent($0) } ?? "–",
         Format.rate(r.gigabytesPerSecond), Format.percent(r.fractionOfBandwidth), Format.rate(r.gflops),
         Format.percent(r.fractionOfPeak), r.callsPerStep == 0 ? "–" : r.secondsPerStep.map(Format.milliseconds) ?? "–",
         r.error.map { "ERROR \($0.prefix(80))" } ?? check]
    }

    private var peakRows: [[String]] {
        peaks.flops.map { ["multiply-add, width \($0.width)", Format.rate($0.gflops) + " GFLOP/s" + ($0.width == peaks.bestWidth ? " (best)" : "")] }
            + peaks.bandwidth.map { ["copy, \($0.method)", Format.rate($0.gigabytesPerSecond) + " GB/s" + ($0.method == peaks.bestBandwidthMethod ? " (best)" : "")] }
    }

    private var gemmLibraryHeader: [String] {
        ["gemm", "chosen", "openblas", "onednn (matmul)", "onednn-sgemm", "ours", "ours / fastest direct"]
    }

    private func gemmLibraryCells(_ g: GEMMLibraries) -> [String] {
        let rate = { (seconds: Double?) in seconds.map { Format.rate(g.flops / $0 / 1e9) + " GFLOP/s" } ?? "–" }
        return [g.shape, g.chosen, rate(g.librarySeconds["openblas"]), rate(g.librarySeconds["onednn"]),
                rate(g.librarySeconds["onednn-sgemm"]), rate(g.oursSeconds), String(format: "%.2f", g.ratioToFastest)]
    }

    private var sweepHeader: [String] { ["op", "shape", "knob", "variants (median)", "winner", "vs default"] }

    private func sweepCells(_ s: Sweep) -> [String] {
        let variants = s.variants.map { v in
            "\(v.label)\(v.isDefault ? "*" : ""): " + (v.medianSeconds.map(Format.milliseconds) ?? "error") + (v.passed ? "" : " FAIL")
        }.joined(separator: ", ")
        return [s.op, s.shape, s.knob, variants, s.winner ?? "–", s.speedupOverDefault.map { String(format: "%.2f×", $0) } ?? "–"]
    }

    /// Entries that are not GEMMs, move at least 1 MiB (smaller ones are bound by launch cost, not bandwidth)
    /// and reach less than half the copy bandwidth.
    var belowHalfBandwidth: [Row] {
        rows.filter { $0.flops == nil && $0.bytes >= 1_048_576 && ($0.fractionOfBandwidth ?? 1) < 0.5 }
    }

    private var heading: String {
        "device: \(device)\nmodel \(model), batch \(batch) × sequence \(sequence); warm-up \(warmup), repetitions \(repetitions) "
            + "(GEMMs \(gemmRepetitions)); \(date)\ncommand: \(command)"
    }

    /// Caveats the numbers need: GEMMs above the probe's peak on the CPU backend.
    var notes: [String] {
        guard rows.contains(where: { ($0.fractionOfPeak ?? 0) > 1 }) else { return [] }
        return ["Some GEMMs exceed 100 % of the measured peak: OpenBLAS picks FMA kernels (AVX2/AVX-512) at run time, "
                + "while the probe is Swift SIMD code built for the package's baseline target (the ceiling of the CPU "
                + "backend's own kernels, not of the machine)."]
    }

    var text: String {
        var parts = [heading, "", "Peaks", Format.table(["probe", "result"], peakRows), "",
                     "Ops of one training step (calls/step > 0), then extras",
                     Format.table(opHeader, rows.map { opCells($0) }),
                     String(format: "Σ median × calls over the step's ops: %@ (a lower bound for a step: no launch gaps, no host work)",
                            Format.milliseconds(stepSecondsFromTable))]
        let below = belowHalfBandwidth
        if !below.isEmpty {
            parts += ["", "Below 50 % of copy bandwidth (ops moving ≥ 1 MiB): " + below.map { "\($0.op) \($0.shape)" }.joined(separator: "; ")]
        }
        if !sweeps.isEmpty {
            parts += ["", "Sweeps (* = default)", Format.table(sweepHeader, sweeps.map(sweepCells))]
        }
        if !gemmLibraries.isEmpty {
            parts += ["", "CPU GEMMs against each library called directly (library times: the backend's one-time measurement on scratch operands)",
                      Format.table(gemmLibraryHeader, gemmLibraries.map(gemmLibraryCells))]
        }
        parts += ["", notSwept] + notes
        if let trace { parts += ["", "trace \(trace.path): \(trace.summary)"] }
        return parts.joined(separator: "\n")
    }

    var markdown: String {
        var parts = ["`\(command)` — \(device), \(date)", "", Format.markdown(["probe", "result"], peakRows), "",
                     Format.markdown(opHeader, rows.map { opCells($0, compact: true) }), "",
                     "check: ok = matches the CPU twin (OpenCL) or a double-precision GEMM slice (CPU); ref = the CPU "
                         + "backend is the reference itself.", "",
                     "Σ median × calls over the step's ops: \(Format.milliseconds(stepSecondsFromTable))."]
        let below = belowHalfBandwidth.filter { $0.callsPerStep > 0 }
        if !below.isEmpty {
            parts += ["", "Step ops moving ≥ 1 MiB below 50 % of copy bandwidth: " + below.map { "`\($0.op) \($0.shape)`" }.joined(separator: ", ") + "."]
        }
        if !sweeps.isEmpty { parts += ["", Format.markdown(sweepHeader, sweeps.map(sweepCells)), "", "(* = default)"] }
        if !gemmLibraries.isEmpty { parts += ["", Format.markdown(gemmLibraryHeader, gemmLibraries.map(gemmLibraryCells))] }
        parts += ["", notSwept] + notes
        if let trace { parts += ["", "Trace `\(trace.path)`: \(trace.summary)."] }
        return parts.joined(separator: "\n")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
