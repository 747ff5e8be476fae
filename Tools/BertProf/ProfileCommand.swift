import ArgumentParser
import BERT
import Compute
import Foundation

/// `bert-prof profile`: the device's peaks, then every op of a training step validated and timed (and the
/// kernels with launch-shape knobs swept), optionally a Chrome trace of one whole step.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure the device's peaks, then validate and time every op of a BERT training step on it.",
        discussion: """
            Peaks: multiply-add chains at vector widths 1–16 and copy bandwidth. Ops: every distinct call of one \
            fine-tuning step (encoder forward/backward with dropout, classifier, cross-entropy, AdamW) at the model's \
            shapes, plus the kernels the step does not use; each is first checked against the CPU twin (on OpenCL) \
            or a double-precision GEMM slice (on the CPU), then timed. Progress goes to standard error.
            """)

    @Option(name: .long, help: "cpu, opencl, opencl:N or auto.")
    var device: String = "auto"

    @Option(name: .long, help: "\(BertConfig.shapeNames.joined(separator: ", ")), or a folder with config.json.")
    var model: String = "base"

    @Option(name: .long, help: "Sequences per step.")
    var batch: Int = 8

    @Option(name: .long, help: "Tokens per sequence.")
    var seq: Int = 128

    @Option(name: .long, help: "Timed runs of each kernel (the median is reported).")
    var repetitions: Int = 10

    @Option(name: .long, help: "Untimed runs before timing.")
    var warmup: Int = 2

    @Option(name: .long, help: "Timed runs of each GEMM (CLBlast on PoCL is slow; default 3).")
    var gemmRepetitions: Int = 3

    @Option(name: .long, help: "Seconds each call's runs may take in all, warm-up included: past it the runs stop after the first timed one (slow devices and simulators finish; fast calls are unaffected).")
    var budget: Double = 5

    @Option(name: .long, help: "Profile only entries whose op, shape or role contains this text (case-insensitive).")
    var only: String?

    @Option(name: .long, help: "Write a Chrome trace (Trace Event Format JSON) of one training step to this file.")
    var trace: String?

    @Flag(name: .long, help: "Skip the OpenCL launch-shape sweeps (row and attention work-groups, element-wise local sizes).")
    var noSweep = false

    @Option(name: .long, help: "CPU backend threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "CPU backend GEMM precision: fp32, bf16 or auto (as bert's --precision).")
    var precision: String = PrecisionPolicy.fp32.rawValue

    @Flag(name: .long, help: "Print everything as one JSON object.")
    var json = false

    @Flag(name: .long, help: "Print the summary tables as markdown (for docs/kernels.md).")
    var markdown = false

    func validate() throws {
        do { _ = try DeviceSpec(parsing: device) } catch { throw ValidationError("\(error)") }
        guard batch > 0, seq > 0 else { throw ValidationError("--batch and --seq must be positive, got \(batch) and \(seq)") }
        guard repetitions >= 1, gemmRepetitions >= 1, warmup >= 0 else {
            throw ValidationError("--repetitions and --gemm-repetitions must be at least 1 and --warmup at least 0")
        }
        guard budget > 0 else { throw ValidationError("--budget must be a positive number of seconds, got \(budget)") }
        guard !(json && markdown) else { throw ValidationError("choose one of --json and --markdown") }
        if let only, only.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--only needs a non-empty pattern") }
        if let trace, trace.isEmpty { throw ValidationError("--trace needs a file name") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard PrecisionPolicy(rawValue: precision) != nil else {
            throw ValidationError("--precision must be fp32, bf16 or auto, got '\(precision)'")
        }
    }

    /// The device's options: threads, profiling and the GEMM precision.
    var deviceOptions: DeviceOptions {
        var options = DeviceOptions(threads: threads, profiling: true)
        options.precision = PrecisionPolicy(rawValue: precision) ?? .fp32
        return options
    }

    func run() throws {
        let config = try ModelChoice.config(for: model)
        guard seq <= config.maxPositionEmbeddings else {
            throw ValidationError("--seq \(seq) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        let selection = try DeviceSelector.open(device, options: deviceOptions)
        let device = selection.device
        progress("device: \(selection.reason)")

        progress("measuring peaks …")
        let peaks = ProfileReport.Peaks(try PeakProbe().measure(on: device))
        for width in peaks.flops { progress(String(format: "  multiply-add width %2d: %.1f GFLOP/s", width.width, width.gflops)) }
        for copy in peaks.bandwidth { progress(String(format: "  %@: %.1f GB/s", copy.method, copy.gigabytesPerSecond)) }

        let run = ModelRun(config: config, batch: batch, sequence: seq)
        let catalog = try StepCatalog.build(run, device: device)
        let entries = try Self.selected(catalog.entries, only: only)
        // The twin runs on one thread: OpenBLAS's worker threads spin for a while after each call and would take
        // cores from the device being timed right after (measured: PoCL GEMMs 30 % slower after a 2-thread twin).
        let reference: (any Device)? = device is CPUDevice ? nil : CPUDevice(options: DeviceOptions(threads: 1))
        let settings = ProfileSettings(timing: TimingSettings(warmup: warmup, repetitions: repetitions, budgetSeconds: budget),
                                       gemmTiming: TimingSettings(warmup: min(warmup, 1), repetitions: gemmRepetitions,
                                                                  budgetSeconds: budget),
                                       sweep: !noSweep)
        let profiler = EntryProfiler(device: device, reference: reference, settings: settings)
        var measurements: [EntryMeasurement] = []
        for (i, item) in entries.enumerated() {
            let m = profiler.measure(item.entry, seed: item.seed)
            measurements.append(m)
            progress("[\(i + 1)/\(entries.count)] \(item.entry.call): "
                + (m.timing.map { Format.milliseconds($0.median) } ?? "–") + " " + (m.error.map { "ERROR \($0)" } ?? m.validation?.summary ?? ""))
        }

        var sweeps: [KernelSweep.Outcome] = []
        if settings.sweep, let openCL = device as? OpenCLDevice, let reference {
            progress("sweeping launch shapes …")
            let timing = TimingSettings(warmup: min(warmup, 1), repetitions: min(repetitions, 5), budgetSeconds: budget)
            sweeps = KernelSweep(device: openCL, reference: reference, timing: timing).run(entries, progress: progress)
        }

        let rows = measurements.map { ProfileReport.Row($0, peaks: peaks) }
        var report = ProfileReport(
            command: (["bert-prof"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            date: ISO8601DateFormatter().string(from: Date()), device: Self.describe(device), model: model,
            batch: batch, sequence: seq, warmup: warmup, repetitions: repetitions, gemmRepetitions: gemmRepetitions,
            peaks: peaks, rows: rows, sweeps: sweeps.map(ProfileReport.Sweep.init), notSwept: Self.notSwept(device),
            stepSecondsFromTable: rows.reduce(0) { $0 + ($1.secondsPerStep ?? 0) }, trace: nil)
        if let cpu = device as? CPUDevice {
            report.gemmLibraries = zip(entries, rows).compactMap { item, row in
                guard item.entry.call.isGEMM, let median = row.medianSeconds, let flops = row.flops,
                      let measured = cpu.measuredGEMMLibraries(shape: row.shape) else { return nil }
                return ProfileReport.GEMMLibraries(shape: row.shape, chosen: measured.choice, flops: flops,
                                                   librarySeconds: measured.seconds, oursSeconds: median)
            }
        }
        if let trace {
            progress("tracing one training step …")
            report.trace = try Self.writeTrace(run, device: device, path: trace,
                                               otherData: ["model": model, "command": report.command])
        }
        print(json ? try report.json() : markdown ? report.markdown : report.text)
        let failed = rows.filter { $0.passed == false }
        if !failed.isEmpty {
            progress("\(failed.count) entries failed validation or could not run: "
                + failed.map { "\($0.op) \($0.shape)" }.joined(separator: "; "))
            throw ExitCode.failure
        }
    }

    /// The entries `--only` selects, each with its replay seed; an error lists what exists when none match.
    static func selected(_ entries: [StepCatalog.Entry], only: String?) throws -> [(seed: UInt64, entry: StepCatalog.Entry)] {
        let all = entries.enumerated().map { (UInt64(1000 + $0.offset), $0.element) }
        guard let only else { return all }
        let pattern = only.lowercased()
        let chosen = all.filter { "\($0.1.call) \($0.1.role)".lowercased().contains(pattern) }
        guard !chosen.isEmpty else {
            let names = Set(entries.map(\.call.name.rawValue)).sorted().joined(separator: ", ")
            throw ValidationError("--only '\(only)' matches no entry; ops are: \(names)")
        }
        return chosen
    }

    /// Traces one step after a warm-up step and writes the trace atomically.
    static func writeTrace(_ run: ModelRun, device: any Device, path: String,
                           otherData: [String: String]) throws -> ProfileReport.Trace {
        let result = try traceStep(run, device: device, otherData: otherData)
        try result.trace.write(to: path)
        return ProfileReport.Trace(path: path, stepSeconds: result.stepSeconds,
                                   phaseSeconds: Dictionary(result.phaseSeconds.map { ($0.phase, $0.seconds) }, uniquingKeysWith: +),
                                   opSeconds: result.opSeconds,
                                   ops: result.ops, kernels: result.kernels, allocationsInStep: result.allocations,
                                   compilesInStep: result.compiles)
    }

    /// One warm-up step, then one traced step of `TrainingStep` on a recording wrapper of `device`.
    static func traceStep(_ run: ModelRun, device: any Device, otherData: [String: String]) throws -> StepTracer.Result {
        let recorder = RecordingDevice(wrapping: device)
        let step = try TrainingStep(run, device: recorder)
        var data = otherData
        data["device"] = device.info.description
        data["batch"] = String(run.batch)
        data["sequence"] = String(run.sequence)
        return try StepTracer(recorder: recorder, warmupSteps: 1).trace(otherData: data) { step.phases($0) }
    }

    /// The device, and for OpenCL which CLBlast parameters its GEMMs ran with (they change GEMM times).
    static func describe(_ device: any Device) -> String {
        guard let openCL = device as? OpenCLDevice else { return device.info.description }
        return device.info.description + ", CLBlast parameters: " + (openCL.clblastParametersFile ?? "CLBlast's database")
    }

    static func notSwept(_ device: any Device) -> String {
        guard device is OpenCLDevice else {
            return "Not swept: the CPU backend has no launch-shape knobs (ParallelFor splits each op evenly over the threads)."
        }
        return "Not swept: GEMMs (CLBlast's kernels, tuned by CLBlast's own parameters). No kernel has code variants "
            + "(one implementation each); the sweeps cover every launch-shape knob there is."
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
