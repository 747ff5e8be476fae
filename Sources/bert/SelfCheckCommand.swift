import ArgumentParser
import Compute
import Foundation

/// `bert selfcheck`: checks every op of a device (the whole op catalogue against the CPU backend, and GELU,
/// element-wise ops, reductions and GEMMs against double-precision references) and times a BERT-sized GEMM against
/// OpenBLAS called directly.
struct SelfCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfcheck",
        abstract: "Check every op on a device against the CPU backend and double precision; time a GEMM against OpenBLAS.")

    @OptionGroup var deviceArguments: DeviceArguments

    @Option(name: .long, help: "GEMM shape to time as M,N,K (BERT-Base FFN at batch 8 × seq 128: 1024,3072,768).")
    var gemm: String = "1024,3072,768"

    @Option(name: .long, parsing: .unconditional, help: "Timed repetitions (the median is reported).")
    var repetitions: Int = 5

    @Flag(name: .long, help: "OpenCL: also check every op that has a launch shape under each shape the device allows (row work-groups, flash-attention work-groups and tiles, element-wise local sizes), each on the device reopened with it.")
    var launchVariants = false

    @Flag(name: .long, help: "Skip the GEMM timing (e.g. on a simulator, or when only the checks matter).")
    var noTiming = false

    func validate() throws {
        guard parseShape() != nil else { throw ValidationError("--gemm must be three positive integers M,N,K, got '\(gemm)'") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        let device = try deviceArguments.open()
        var check = SelfCheck(device: device)
        var results = try check.run()
        if launchVariants {
            guard device is OpenCLDevice else { throw ValidationError("--launch-variants needs an OpenCL device, not \(device.info)") }
            results += try check.launchVariantChecks { printError("launch shape \($0)") }
        }
        var failed = 0
        for result in results {
            let status = result.comparison.passed ? "ok  " : "FAIL"
            if !result.comparison.passed { failed += 1 }
            let time = result.seconds.map { String(format: " (%.1f ms)", $0 * 1e3) } ?? ""
            print("\(status) \(result.name.padding(toLength: max(40, result.name.count), withPad: " ", startingAt: 0)) \(result.comparison)\(time)")
        }
        print("\(results.count - failed) passed, \(failed) failed")
        guard !noTiming, let (m, n, k) = parseShape() else {
            if failed > 0 { throw ExitCode.failure }
            return
        }
        let benchmark = try GEMMBenchmark(shape: GEMMShape(m: m, n: n, k: k), repetitions: repetitions).run(on: device)
        print(String(format: "gemm %d×%d×%d: device %.1f GFLOP/s (%.1f ms), OpenBLAS direct %.1f GFLOP/s (%.1f ms), ratio %.2f",
                     m, n, k, benchmark.deviceGFLOPS, benchmark.deviceSeconds * 1e3, benchmark.openBLASGFLOPS,
                     benchmark.openBLASSeconds * 1e3, benchmark.ratio))
        if let gflops = benchmark.oneDNNGFLOPS, let seconds = benchmark.oneDNNSeconds {
            print(String(format: "  oneDNN direct: matmul %.1f GFLOP/s (%.1f ms, %@), sgemm %.1f GFLOP/s; device vs the fastest library direct: %.2f",
                         gflops, seconds * 1e3, benchmark.oneDNNImplementation ?? "?", benchmark.oneDNNSGEMMGFLOPS ?? 0,
                         benchmark.ratioToFastest))
        }
        print("peak device memory: \(ByteCount.format(device.memory.peak))")
        if failed > 0 {
            print("\(failed) of \(results.count) checks FAILED")
            throw ExitCode.failure
        }
        print("all \(results.count) checks passed on \(device.info)")
    }

    private func parseShape() -> (Int, Int, Int)? {
        let parts = gemm.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else { return nil }
        return (parts[0], parts[1], parts[2])
    }
}
