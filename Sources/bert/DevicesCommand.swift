import ArgumentParser
import Compute

/// `bert devices`: every device SwiftBERT can run on.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List the CPU backend and every OpenCL device with its capabilities.")

    @Option(name: .long, parsing: .unconditional, help: "CPU backend threads to report (default: all cores).")
    var threads: Int?

    func run() throws {
        let cpu = CPUDevice(options: DeviceOptions(threads: threads)).info
        var rows: [[String]] = [["device", "platform", "name", "type", "OpenCL C", "global mem", "max alloc",
                                 "local mem", "fp16", "compute"]]
        rows.append(["cpu", cpu.platform, cpu.name, cpu.type, "-", ByteCount.format(cpu.globalMemory), "-", "-", "-",
                     "\(cpu.threads ?? 1) threads, \(cpu.blas)"])
        let openCL: [DeviceInfo]
        do {
            openCL = try OpenCLDevice.availableDevices()
        } catch {
            printError("OpenCL: \(error)")
            openCL = []
        }
        for info in openCL {
            rows.append(["opencl:\(info.index ?? 0)", info.platform, info.name, info.type, info.openCLCVersionString,
                         ByteCount.format(info.globalMemory), ByteCount.format(info.maxAllocation),
                         ByteCount.format(info.localMemory), info.supportsFP16Arithmetic ? "yes" : "storage only",
                         "\(info.computeUnits) CUs, CLBlast"])
        }
        print(table(rows))
        print("\n" + Self.autoSummary(AutoDeviceRule.rank(openCL)))
        print("\ncpu features: \(cpu.extensions.isEmpty ? "none detected" : cpu.extensions.sorted().joined(separator: ", "))")
        var auto = DeviceOptions()
        auto.precision = .auto
        let resolved = CPUDevice(options: auto)
        print("cpu kernels: builds for \(CPUKernelISA.supported.map(\.rawValue).joined(separator: ", ")) run here; --cpu-isa best = "
              + resolved.kernelBuild)
        print("cpu precision: --precision auto = \(resolved.gemmPrecision.rawValue) (\(resolved.precisionReason))")
        if openCL.isEmpty {
            print("\nNo OpenCL device found: install an OpenCL driver (on Debian: pocl-opencl-icd for the CPU, "
                  + "or your GPU vendor's ICD). --device auto will use the CPU backend.")
        }
    }

    /// What `--device auto` would choose (before the command's memory check) and every device it passes over.
    static func autoSummary(_ ranking: AutoDeviceRule.Ranking) -> String {
        var lines: [String]
        if let best = ranking.candidates.first {
            lines = ["--device auto → opencl:\(best.index ?? 0) (\(best.name)): the best-ranked real GPU "
                     + "(\(AutoDeviceRule.strengths(best))); a command whose memory plan does not fit it falls back to the next "
                     + "GPU, then the CPU backend"]
            lines += ranking.candidates.dropFirst().map {
                "  next: opencl:\($0.index ?? 0) (\($0.name)): \(AutoDeviceRule.strengths($0))"
            }
        } else {
            lines = ["--device auto → cpu: no usable OpenCL GPU"]
        }
        lines += ranking.skipped.map { "  skipped: opencl:\($0.device.index ?? 0) (\($0.device.name)): \($0.reason)" }
        return lines.joined(separator: "\n")
    }
}
