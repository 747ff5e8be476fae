import Foundation

/// One run of `CLBlastTuner`: the workload on the device, the clock, the log, and the three phases —
/// baseline, tables of per-GEMM times on each forced path, and the timed pick.
final class CLBlastSearch {
    /// Per-GEMM seconds (calls included) of each configuration measured with every GEMM on one path.
    struct Tables {
        var indirect: [(xgemm: [String: Int], times: [Double])] = []
        var direct: [(direct: [String: Int], times: [Double])] = []
    }

    /// A full parameter set and its per-GEMM seconds (calls included).
    typealias Measured = (kernels: [String: [String: Int]], times: [Double])

    static let thresholdName = "XGEMM_MIN_INDIRECT_SIZE"

    private let device: OpenCLDevice
    private let configuration: CLBlastTuner.Configuration
    private let database: CLBlastParameters
    private let work: CLBlastTunerWorkload
    private let start = DispatchTime.now().uptimeNanoseconds
    private var log = SearchLog()
    /// Seconds the baseline took, builds included: the estimate of one configuration's cost, and the time
    /// kept back for the final timing.
    private var baselineCost = 0.0

    init(device: OpenCLDevice, configuration: CLBlastTuner.Configuration, database: CLBlastParameters) throws {
        self.device = device
        self.configuration = configuration
        self.database = database
        work = try CLBlastTunerWorkload(device: device, workload: configuration.workload, seed: configuration.seed)
        guard !work.gemms.isEmpty else {
            throw CLBlastParametersError.tuningFailed(reason: "the workload has no GEMM to time")
        }
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
    private var databaseThreshold: Int? { database.kernels["GemmRoutine"]?[Self.thresholdName] }
    private func say(_ line: String) { configuration.progress(line) }

    // MARK: - Phases

    /// The workload with the database's parameters, as `bert` runs it without a file.
    func baseline() throws -> Measured {
        say("baseline: CLBlast's database parameters (XGEMM_MIN_INDIRECT_SIZE \(databaseThreshold.map(String.init) ?? "?"))")
        guard let times = try measure(database.kernels, label: "database", prune: nil, budgeted: false) else {
            throw CLBlastParametersError.tuningFailed(
                reason: "CLBlast's own database parameters failed on this workload: \(log.rejections.joined(separator: "; "))")
        }
        baselineCost = elapsed
        say(String(format: "baseline: %.3f s for the workload (%.1f s to build and time)", times.reduce(0, +), baselineCost))
        return (database.kernels, times)
    }

    /// Times the database's Xgemm and XgemmDirect and then samples of both spaces, each with every GEMM forced
    /// onto its path, until the samples or the budget run out.
    func tables() throws -> Tables {
        let volumes = work.gemms.map(\.volume)
        let forceIndirect = 1                                           // m·n·k < 1³ never holds
        let forceDirect = Int(cbrt(Double(volumes.max() ?? 1))) + 2    // m·n·k < t³ always holds
        let deadline = configuration.maxSeconds - 1.5 * baselineCost    // kept for the final timing
        var tables = Tables()
        var spent: [Double] = []
        for candidate in CLBlastCandidates.list(database: database, limits: .init(device.info),
                                                count: configuration.maxConfigurations, seed: configuration.seed) {
            let estimate = spent.isEmpty ? baselineCost : spent.reduce(0, +) / Double(spent.count)
            guard elapsed + estimate <= deadline else {
                say("budget reached after \(log.measured) configurations")
                break
            }
            let began = elapsed
            var kernels = database.kernels
            let times: [Double]?
            switch candidate {
            case let .xgemm(values, index):
                kernels["Xgemm"] = values
                kernels["GemmRoutine"] = routine(threshold: forceIndirect)
                times = try measure(kernels, label: "Xgemm #\(index) \(CLBlastCandidates.describe(values))",
                                    prune: Self.fastest(tables.indirect.map(\.times)), budgeted: true)
                if let times { tables.indirect.append((values, times)) }
            case let .direct(values, index):
                kernels["XgemmDirect"] = values
                kernels["GemmRoutine"] = routine(threshold: forceDirect)
                times = try measure(kernels, label: "XgemmDirect #\(index) \(CLBlastCandidates.describe(values))",
                                    prune: Self.fastest(tables.direct.map(\.times)), budgeted: true)
                if let times { tables.direct.append((values, times)) }
            }
            spent.append(elapsed - began)
            if let times { say(String(format: "  %.3f s", times.reduce(0, +))) }
        }
        return tables
    }

    /// The best predicted combination, timed as `bert` will run it (falling back to the next if it fails);
    /// the baseline unless it is faster.
    func pick(_ tables: Tables, baseline: Measured) throws -> Measured {
        let choices = CLBlastPathChoice.ranked(volumes: work.gemms.map(\.volume), indirect: tables.indirect.map(\.times),
                                               direct: tables.direct.map(\.times), preferredThreshold: databaseThreshold)
        let baselineTotal = baseline.times.reduce(0, +)
        for choice in choices.prefix(3) {
            var kernels = database.kernels
            if let row = choice.indirect { kernels["Xgemm"] = tables.indirect[row].xgemm }
            if let row = choice.direct { kernels["XgemmDirect"] = tables.direct[row].direct }
            kernels["GemmRoutine"] = routine(threshold: choice.threshold)
            if kernels == database.kernels { break }
            say(String(format: "pick: XGEMM_MIN_INDIRECT_SIZE %d, predicted %.3f s", choice.threshold, choice.predictedSeconds))
            if let times = try measure(kernels, label: "pick", prune: nil, budgeted: false) {
                say(String(format: "pick: %.3f s (baseline %.3f s)", times.reduce(0, +), baselineTotal))
                return times.reduce(0, +) < baselineTotal ? (kernels, times) : baseline
            }
        }
        return baseline
    }

    /// The outcome of the run, with `best` as the parameters to save.
    func outcome(baseline: Measured, best: Measured) -> CLBlastTuner.Outcome {
        func timings(_ measured: Measured) -> [CLBlastTuner.GEMMTiming] {
            let threshold = Double(measured.kernels["GemmRoutine"]?[Self.thresholdName] ?? 0)
            return zip(work.gemms, measured.times).map { gemm, total in
                CLBlastTuner.GEMMTiming(gemm: gemm, seconds: total / Double(gemm.calls),
                                        direct: Double(gemm.volume) < threshold * threshold * threshold)
            }
        }
        let record = CLBlastTuningRecord(
            date: ISO8601DateFormatter().string(from: Date()), workload: work.gemms.map(\.description),
            baselineSeconds: baseline.times.reduce(0, +), tunedSeconds: best.times.reduce(0, +),
            configurationsMeasured: log.measured, configurationsRejected: log.rejected, elapsedSeconds: elapsed)
        return CLBlastTuner.Outcome(
            parameters: CLBlastParameters(device: database.device, kernels: best.kernels, tuning: record),
            database: database, baseline: timings(baseline), tuned: timings(best),
            improved: best.kernels != database.kernels, configurationsMeasured: log.measured,
            configurationsRejected: log.rejected, rejections: log.rejections, elapsedSeconds: elapsed)
    }

    // MARK: - Measuring

    /// GemmRoutine's values with the switch point set to `threshold`.
    private func routine(threshold: Int) -> [String: Int] {
        var values = database.kernels["GemmRoutine"] ?? [:]
        values[Self.thresholdName] = threshold
        return values
    }

    /// The row with the smallest total, if any.
    private static func fastest(_ rows: [[Double]]) -> [Double]? {
        rows.min { $0.reduce(0, +) < $1.reduce(0, +) }
    }

    /// Applies `kernels` and times every GEMM (seconds × calls each, heaviest first); nil when the
    /// configuration is rejected (build failure, wrong result), dropped for being slow (its running total
    /// passed 1.5× the same GEMMs' total in `prune`, the fastest row so far) or, when `budgeted`, stopped
    /// because the budget ran out.
    private func measure(_ kernels: [String: [String: Int]], label: String, prune: [Double]?,
                         budgeted: Bool) throws -> [Double]? {
        let rejectedBefore = log.rejected
        say(label)
        log.measured += 1
        defer { if log.rejected > rejectedBefore, let reason = log.lastRejection { say("  rejected: \(reason)") } }
        do {
            try CLBlastParameters.apply(kernels, deviceID: device.deviceID, info: device.info, source: label)
        } catch let error as CLBlastParametersError {
            log.reject("\(label): \(error)")
            return nil
        }
        var times: [Double] = []
        for index in work.gemms.indices {
            let calls = Double(work.gemms[index].calls)
            // Allowed for this GEMM: 1.5× the fastest row up to here, less what this row has used already.
            let allowance = prune.map { 1.5 * $0.prefix(index + 1).reduce(0, +) - times.reduce(0, +) } ?? .infinity
            switch try work.measure(index, runs: configuration.runs, limit: allowance / calls) {
            case .rejected(let reason):
                log.reject("\(label): \(reason)")
                return nil
            case .tooSlow(let seconds):
                log.reject("\(label): slower than 1.5× the fastest so far (\(work.gemms[index].shape) took "
                           + String(format: "%.3f s", seconds) + ")")
                return nil
            case .seconds(let seconds):
                times.append(seconds * calls)
            }
            if times.reduce(0, +) > 1.5 * (prune?.prefix(index + 1).reduce(0, +) ?? .infinity) {
                log.reject("\(label): slower than 1.5× the fastest so far after \(times.count) GEMMs")
                return nil
            }
            if budgeted, elapsed > configuration.maxSeconds, times.count < work.gemms.count {
                log.reject("\(label): stopped, the time budget ran out")
                return nil
            }
        }
        return times
    }
}

/// Counts and reasons of the configurations a search measured.
private struct SearchLog {
    var measured = 0
    var rejected = 0
    var rejections: [String] = []
    var lastRejection: String?

    mutating func reject(_ reason: String) {
        rejected += 1
        lastRejection = reason
        if rejections.count < 20 { rejections.append(reason) }
    }
}
