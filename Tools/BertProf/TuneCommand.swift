import ArgumentParser
import BERT
import Compute
import Foundation

/// `bert-prof tune`: tunes CLBlast's GEMM parameters for the GEMMs of a BERT training step on an OpenCL device
/// and writes them where `bert` picks them up (or to `--output`).
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Tune CLBlast's GEMM for the GEMMs of a BERT training step on an OpenCL device.",
        discussion: """
            Times the step's GEMMs with CLBlast's database parameters, searches CLBlast's Xgemm and XgemmDirect \
            parameter spaces (sampled, every configuration checked against OpenBLAS) and the size at which CLBlast \
            switches between them, and writes the fastest set. By default the file goes to the device's place in \
            the kernel cache, where `bert` applies it whenever it opens that device (it prints the file). \
            Each configuration costs a CLBlast build (seconds on PoCL): --max-seconds bounds the search; the \
            baseline and the final check always run.
            """)

    @Option(help: "The OpenCL device: opencl (a GPU if present, else the first) or opencl:N.")
    var device = "opencl"

    @Option(help: "Model shape: \(BertConfig.shapeNames.joined(separator: ", ")), or a folder with config.json.")
    var model = "base"

    @Option(help: "Sequences per step.")
    var batch = 8

    @Option(help: "Sequence length.")
    var seq = 128

    @Option(name: .customLong("max-seconds"), help: "Time budget of the search in seconds.")
    var maxSeconds: Double = 900

    @Option(help: "Configurations to sample at most, Xgemm and XgemmDirect together (the database's are extra).")
    var configurations = 60

    @Option(help: "Timed calls per GEMM and configuration (their median counts).")
    var runs = 3

    @Option(help: "Seed of the sampling and the test data.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Where to write the parameters (default: the device's file in the kernel cache, which bert applies).",
                               valueName: "file"))
    var output: String?

    func validate() throws {
        guard batch >= 1, seq >= 1 else { throw ValidationError("--batch and --seq must be at least 1") }
        guard maxSeconds > 0 else { throw ValidationError("--max-seconds must be positive, got \(maxSeconds)") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
        guard configurations >= 0 else { throw ValidationError("--configurations must be ≥ 0, got \(configurations)") }
        let spec: DeviceSpec
        do { spec = try DeviceSpec(parsing: device) } catch { throw ValidationError("\(error)") }
        guard case .openCL = spec else {
            throw ValidationError("--device \(device): tuning needs an OpenCL device (opencl or opencl:N); CLBlast does not run on the CPU backend")
        }
    }

    func run() throws {
        let config = try ModelChoice.config(for: model)
        var options = DeviceOptions()
        options.clblastParameters = .database       // tune from CLBlast's own parameters, not an earlier file
        let selection = try DeviceSelector.open(device, options: options)
        guard let openCL = selection.device as? OpenCLDevice else {
            throw ValidationError("--device \(device) did not open an OpenCL device")
        }
        Self.say("device: \(selection.reason)")
        let workload = GEMMCensus.trainingWorkload(config: config, shape: EncoderShape(batch: batch, sequence: seq))
        let tuner = CLBlastTuner(device: openCL, configuration: .init(
            workload: workload, maxSeconds: maxSeconds, maxConfigurations: configurations, runs: runs, seed: seed,
            progress: { Self.say("tune: \($0)") }))
        let outcome = try tuner.run()
        for reason in outcome.rejections.prefix(8) { Self.say("rejected: \(reason)") }
        let path = output ?? CLBlastParameters.defaultPath(for: .init(openCL.info), kernelCacheDirectory: nil)
        try outcome.parameters.write(to: path)

        print("CLBlast GEMM tuning: \(model) batch \(batch) × seq \(seq), one training step's encoder GEMMs on \(openCL.info)")
        print(report(outcome))
        print(String(format: "database: %.3f s (%.1f GFLOP/s)   tuned: %.3f s (%.1f GFLOP/s)   speed-up %.2f×",
                     outcome.baselineSeconds, gflops(outcome.baseline), outcome.tunedSeconds, gflops(outcome.tuned),
                     outcome.speedup))
        print("\(outcome.configurationsMeasured) configurations timed, \(outcome.configurationsRejected) rejected, "
              + String(format: "%.0f s", outcome.elapsedSeconds))
        if !outcome.improved { print("no configuration beat CLBlast's database; the file keeps its values") }
        print("parameters written to \(path)")
        print(output == nil ? "bert applies them whenever it opens this device (--clblast-parameters none to skip)"
                            : "use them with: bert … --clblast-parameters \(path)")
    }

    /// Per-GEMM table: database and tuned milliseconds per call and the path CLBlast took.
    private func report(_ outcome: CLBlastTuner.Outcome) -> String {
        var rows = [["GEMM", "what", "calls", "database ms", "tuned ms", "speed-up"]]
        for (before, after) in zip(outcome.baseline, outcome.tuned) {
            let shape = before.gemm.shape
            rows.append(["\(shape.m)×\(shape.n)×\(shape.k)\(shape.transA == .transposed ? " Aᵀ" : "")"
                            + "\(shape.transB == .transposed ? " Bᵀ" : "")\(before.gemm.batch > 1 ? " ×\(before.gemm.batch)" : "")",
                         before.gemm.label, "\(before.gemm.calls)",
                         String(format: "%.2f %@", before.seconds * 1e3, before.direct ? "direct" : "indirect"),
                         String(format: "%.2f %@", after.seconds * 1e3, after.direct ? "direct" : "indirect"),
                         String(format: "%.2f×", before.seconds / after.seconds)])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// A line on standard error (progress; results go to standard output).
    private static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    private func gflops(_ timings: [CLBlastTuner.GEMMTiming]) -> Double {
        let flops = timings.reduce(0) { $0 + $1.gemm.totalFlops }
        let seconds = timings.reduce(0) { $0 + $1.totalSeconds }
        return flops / seconds / 1e9
    }
}
