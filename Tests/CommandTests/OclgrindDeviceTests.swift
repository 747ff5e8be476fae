import Foundation
import TestSupport
import XCTest

/// `bert` next to Debian's Oclgrind simulator (a GPU-typed device with 128 MiB, registered as a user would, with
/// `OCL_ICD_VENDORS`, in a child process so this one keeps its own OpenCL platforms): `auto` passes over the
/// simulator and PoCL's CPU device and says why, a run that cannot fit the 128 MiB gets one line naming the sizes,
/// and a small forward pass runs on the simulator. Skipped where Oclgrind is not installed.
final class OclgrindDeviceTests: XCTestCase {
    static let oclgrindICD = "/usr/lib/oclgrind/liboclgrind-rt-icd.so"

    /// An ICD folder with Oclgrind and every installed vendor (PoCL in CI), and Oclgrind's `opencl:N` index.
    private func setUp() throws -> (bert: String, environment: [String: String], index: Int) {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.oclgrindICD), "Oclgrind is not installed (apt-get install oclgrind)")
        let bert = try ToolProcess.built("bert", besides: Bundle(for: Self.self))
        let vendors = try ToolProcess.folder("swiftbert-icd", for: self)
        try (Self.oclgrindICD + "\n").write(toFile: vendors + "/oclgrind.icd", atomically: true, encoding: .utf8)
        let system = "/etc/OpenCL/vendors"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: system)) ?? [] where file.hasSuffix(".icd") {
            try FileManager.default.copyItem(atPath: system + "/" + file, toPath: vendors + "/" + file)
        }
        let environment = ["OCL_ICD_VENDORS": vendors]
        let devices = try ToolProcess.run(bert, ["devices"], environment: environment)
        XCTAssertEqual(devices.status, 0, devices.output)
        guard let line = devices.output.split(separator: "\n").first(where: { $0.hasPrefix("opencl:") && $0.contains("Oclgrind Simulator") }),
              let index = Int(line.dropFirst("opencl:".count).prefix { $0.isNumber }) else {
            throw XCTSkip("Oclgrind is installed but its device is not listed:\n\(devices.output)")
        }
        XCTAssertTrue(devices.output.contains("--device auto → "), devices.output)
        XCTAssertTrue(devices.output.contains("skipped: opencl:\(index) (Oclgrind Simulator): a simulator"), devices.output)
        return (bert, environment, index)
    }

    func testAutoPassesOverTheSimulatorAndSaysWhy() throws {
        let (bert, environment, index) = try setUp()
        let run = try ToolProcess.run(bert, ["bench", "--device", "auto", "--model", "tiny", "--batch-size", "1",
                                             "--max-seq-length", "8", "--repetitions", "1", "--warmup", "0"],
                                      environment: environment)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("auto chose the CPU backend"), run.output)
        XCTAssertTrue(run.output.contains("opencl:\(index) (Oclgrind Simulator, Oclgrind): a simulator"), run.output)
    }

    func testARunThatCannotFitGetsOneLineWithTheSizes() throws {
        let (bert, environment, index) = try setUp()
        let run = try ToolProcess.run(bert, ["bench", "--device", "opencl:\(index)", "--model", "base", "--batch-size", "8",
                                             "--max-seq-length", "128"], environment: environment)
        XCTAssertNotEqual(run.status, 0, run.output)
        let errors = run.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, run.output)
        XCTAssertTrue(errors.first?.contains(" GiB by the memory plan") ?? false, run.output)
        XCTAssertTrue(errors.first?.contains("has 128.00 MiB") ?? false, run.output)
        XCTAssertFalse(run.output.contains("Usage:"), "a run that does not fit is no usage error: \(run.output)")
    }

    func testASmallForwardPassRunsOnTheSimulator() throws {
        let (bert, environment, index) = try setUp()
        let run = try ToolProcess.run(bert, ["bench", "--device", "opencl:\(index)", "--model", "tiny", "--mode", "infer",
                                             "--batch-size", "1", "--max-seq-length", "8", "--repetitions", "1", "--warmup", "0"],
                                      environment: environment)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("tokens/s"), run.output)
    }
}
