import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The OpenCL program cache: memory hits, disk hits across cache instances, corrupt entries rebuilt, and
/// build failures dumped with their log.
final class ProgramCacheTests: XCTestCase {
    private func freshDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-cache-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func makeCache(_ device: OpenCLDevice, _ directory: URL) -> ProgramCache {
        ProgramCache(context: device.context, device: device.deviceID, info: device.info, directory: directory)
    }

    private let source = """
        __kernel void twice(__global float* x, const uint x_off) { x[x_off + get_global_id(0)] *= 2.0f; }
        """

    func testSecondBuildHitsMemoryThenDisk() throws {
        let device = try TestDevices.openCL()
        let directory = try freshDirectory()
        let first = makeCache(device, directory)
        _ = try first.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        XCTAssertEqual(first.statistics, .init(memoryHits: 0, diskHits: 0, sourceBuilds: 1))
        _ = try first.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        XCTAssertEqual(first.statistics.memoryHits, 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(files.filter { $0.hasSuffix(".bin") }.count, 1, "one binary written: \(files)")
        XCTAssertFalse(files.contains { $0.contains(".tmp-") }, "no temporary files left behind: \(files)")

        // A new cache (as in a new process) over the same folder loads the binary instead of compiling.
        let second = makeCache(device, directory)
        let program = try second.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        XCTAssertEqual(second.statistics, .init(memoryHits: 0, diskHits: 1, sourceBuilds: 0))
        var status: Int32 = 0
        XCTAssertNotNil(clCreateKernelChecked(program, "twice", &status), "a kernel comes out of the cached binary")

        // Different options are a different key.
        _ = try second.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2 -D UNUSED=1")
        XCTAssertEqual(second.statistics.sourceBuilds, 1)
    }

    func testCorruptEntryIsRejectedAndRebuilt() throws {
        let device = try TestDevices.openCL()
        let directory = try freshDirectory()
        _ = try makeCache(device, directory).program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".bin") })
        let path = directory.appendingPathComponent(name)
        var bytes = try Data(contentsOf: path)
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: path)

        let cache = makeCache(device, directory)
        _ = try cache.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        XCTAssertEqual(cache.statistics.rejectedDiskEntries, 1)
        XCTAssertEqual(cache.statistics.sourceBuilds, 1)
        XCTAssertEqual(makeCache(device, directory).statistics.diskHits, 0)
        let healed = makeCache(device, directory)
        _ = try healed.program(file: "twice.cl", source: source, options: "-cl-std=CL1.2")
        XCTAssertEqual(healed.statistics.diskHits, 1, "the rebuilt entry replaced the corrupt one")
    }

    func testBuildFailureDumpsSourceAndLog() throws {
        let device = try TestDevices.openCL()
        let directory = try freshDirectory()
        let broken = "__kernel void broken(__global float* x) { x[0] = undefined_name; }"
        do {
            _ = try makeCache(device, directory).program(file: "broken.cl", source: broken, options: "-cl-std=CL1.2")
            XCTFail("a broken kernel must not build")
        } catch let ComputeError.programBuild(file, log, dumpPath) {
            XCTAssertEqual(file, "broken.cl")
            XCTAssertTrue(log.contains("undefined_name"), "the log names the problem: \(log)")
            let dump = try XCTUnwrap(dumpPath)
            XCTAssertTrue(try String(contentsOfFile: dump, encoding: .utf8).contains(broken))
            XCTAssertTrue(FileManager.default.fileExists(atPath: dump.replacingOccurrences(of: ".failed.cl", with: ".log")))
        }
    }
}

import COpenCL

/// Creates (and releases) a kernel from a program, returning whether it worked.
private func clCreateKernelChecked(_ program: CLProgram, _ name: String, _ status: inout Int32) -> Bool? {
    guard let kernel = clCreateKernel(program.handle, name, &status), status == CL_SUCCESS else { return nil }
    clReleaseKernel(kernel)
    return true
}
