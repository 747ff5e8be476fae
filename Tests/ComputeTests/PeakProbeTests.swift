import TestSupport
import XCTest
@testable import Compute

/// The device probes of the profiler: positive, finite numbers on both backends (never a timing threshold),
/// the OpenCL multiply-add kernel computing what it should, and clear errors for bad settings.
final class PeakProbeTests: XCTestCase {
    /// Short runs: these tests check that the probes work, not how fast the machine is.
    private let quick = PeakProbe(settings: PeakProbe.Settings(widths: [1, 4, 16], minimumSeconds: 0.002, repetitions: 1,
                                                               copyBytes: 4 << 20))

    private func assertSane(_ peaks: DevicePeaks, widths: [Int], methods: [String], file: StaticString = #filePath,
                            line: UInt = #line) {
        XCTAssertEqual(peaks.flops.map(\.width), widths, file: file, line: line)
        for f in peaks.flops {
            XCTAssertTrue(f.gflops.isFinite && f.gflops > 0, "width \(f.width): \(f.gflops) GFLOP/s", file: file, line: line)
            XCTAssertGreaterThan(f.flops, 0, file: file, line: line)
            XCTAssertTrue(f.checksum.isFinite && f.checksum > 0, "width \(f.width) checksum \(f.checksum)", file: file, line: line)
        }
        XCTAssertEqual(peaks.bandwidth.map(\.method), methods, file: file, line: line)
        for b in peaks.bandwidth {
            XCTAssertTrue(b.gigabytesPerSecond.isFinite && b.gigabytesPerSecond > 0, "\(b.method): \(b.gigabytesPerSecond) GB/s",
                          file: file, line: line)
            XCTAssertGreaterThanOrEqual(b.bytes, 2 * (4 << 20), "bytes count reads and writes", file: file, line: line)
        }
        XCTAssertTrue(widths.contains(peaks.bestFLOPS.width), file: file, line: line)
        XCTAssertEqual(peaks.bestFLOPS.gflops, peaks.flops.map(\.gflops).max(), file: file, line: line)
        XCTAssertEqual(peaks.bestBandwidth.gigabytesPerSecond, peaks.bandwidth.map(\.gigabytesPerSecond).max(), file: file, line: line)
    }

    func testCPUProbesReturnPositiveNumbers() throws {
        assertSane(try quick.measure(on: CPUDevice()), widths: [1, 4, 16], methods: ["parallel memcpy"])
    }

    func testOpenCLProbesReturnPositiveNumbersWithAndWithoutProfiling() throws {
        for profiling in [true, false] {
            let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: profiling))
            assertSane(try quick.measure(on: device), widths: [1, 4, 16], methods: ["copy kernel", "clEnqueueCopyBuffer"])
        }
    }

    func testMultiplyAddKernelComputesTheChainsItClaims() throws {
        let device = try TestDevices.openCL()
        let iterations = 7
        for width in [1, 2, 4, 8, 16] {
            let out = try device.allocate(130, label: "peak out")            // [130] work-items
            try PeakProbe.launchMad(device, width: width, iterations: iterations, out: out)
            let values = try device.readFloats(out)
            let expected = (0..<130).map { Float(PeakProbe.expectedMad(gid: $0, width: width, iterations: iterations)) }
            assertClose(values, expected, atol: 1e-5, rtol: 1e-5, "peak_mad width \(width)")
        }
    }

    func testCopyKernelCopies() throws {
        let device = try TestDevices.openCL()
        let source = try device.upload((0..<4096).map { Float($0) }, label: "source")
        let destination = try device.allocate(4096, label: "destination")
        try device.launch("peak_copy", in: "peak.cl", global: [1024], [.count(1024), .buffer(source), .buffer(destination)])
        XCTAssertEqual(try device.readFloats(destination), (0..<4096).map { Float($0) })
        try device.fill(destination, value: 0)
        try device.enqueueCopy(source, to: destination)
        XCTAssertEqual(try device.readFloats(destination), (0..<4096).map { Float($0) })
    }

    func testBadSettingsAndDevicesThrowClearErrors() throws {
        assertComputeError(["widths must be among 1, 2, 4, 8, 16"]) {
            _ = try PeakProbe(settings: PeakProbe.Settings(widths: [3])).flops(on: CPUDevice())
        }
        assertComputeError(["minimumSeconds"]) {
            _ = try PeakProbe(settings: PeakProbe.Settings(minimumSeconds: 0)).bandwidth(on: CPUDevice())
        }
        assertComputeError(["only the CPU backend and OpenCL devices"]) {
            _ = try quick.flops(on: DryRunDevice(mirroring: CPUDevice()))
        }
    }
}
