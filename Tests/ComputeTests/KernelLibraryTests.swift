import TestSupport
import XCTest
@testable import Compute

/// Every kernel file is embedded, documented, standalone-compilable with its defaults, and profiled.
final class KernelLibraryTests: XCTestCase {
    func testEveryKernelFileIsEmbeddedWithAHeader() throws {
        XCTAssertTrue(Set(["gelu.cl", "elementwise.cl", "reduce.cl"]).isSubset(of: Set(KernelLibrary.fileNames)),
                      "\(KernelLibrary.fileNames)")
        for file in KernelLibrary.fileNames {
            let source = try KernelLibrary.source(file)
            XCTAssertTrue(source.hasPrefix("// \(file) — "), "\(file) starts with a header naming what it computes")
            XCTAssertFalse(source.contains("#include"), "\(file) must build standalone")
            XCTAssertFalse(source.contains("cl_khr_fp16") && !source.contains("SB_HAS_FP16"),
                           "\(file) uses half arithmetic without a capability guard")
        }
        assertComputeError(["no kernel file named 'missing.cl'"]) { _ = try KernelLibrary.source("missing.cl") }
    }

    func testEveryKernelFileBuildsStandaloneWithDefaultsOnly() throws {
        let device = try TestDevices.openCL()
        for file in KernelLibrary.fileNames {
            XCTAssertNoThrow(try device.programs.program(file: file, source: try KernelLibrary.programSource(file),
                                                         options: "-cl-std=CL1.2"), "\(file) with no -D options")
        }
    }

    func testProfilingRecordsKernelsAndGEMMs() throws {
        let index = try TestDevices.openCL().info.index ?? 0
        let device = try OpenCLDevice(index: index, options: DeviceOptions(profiling: true,
                                                                           kernelCacheDirectory: TestDevices.cacheDirectory))
        let x = try device.upload([Float](repeating: 1, count: 64 * 64), label: "x")
        let y = try device.allocate(64 * 64, label: "y")
        try device.gelu(x, into: y, kind: .tanh)
        try device.gemm(GEMMShape(m: 64, n: 64, k: 64), a: x, b: x, c: y)
        let timings = try device.timings()
        XCTAssertEqual(timings.map(\.name), ["gelu_forward_tanh", "CLBlastSgemm"])
        for t in timings {
            XCTAssertGreaterThanOrEqual(t.start, t.queued)
            XCTAssertGreaterThanOrEqual(t.end, t.start)
        }
        XCTAssertEqual(timings[0].globalSize, [4096])
        XCTAssertTrue(try device.timings().isEmpty, "timings are cleared after reading")
    }
}
