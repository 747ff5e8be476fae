import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The CPU backend's GEMM libraries: OpenBLAS and (when built with it) oneDNN each against a double-precision
/// reference, and the measured per-shape choice kept per machine.
final class CPUGEMMLibraryTests: XCTestCase {
    private var policies: [CPUGEMMPolicy] { CPUDevice.oneDNNAvailable ? [.openBLAS, .oneDNN, .oneDNNSGEMM] : [.openBLAS] }

    func testEveryLibraryMatchesTheDoubleReference() throws {
        var data = TestData(seed: 77)
        for policy in policies {
            var options = DeviceOptions()
            options.cpuGEMM = policy
            let device = CPUDevice(options: options)
            for (ta, tb) in [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.75, 0.5), (1, 1)] {
                    for padding in [0, 3] {
                        let base = GEMMShape(m: 19, n: 23, k: 17, transA: ta, transB: tb)
                        let s = GEMMShape(m: 19, n: 23, k: 17, transA: ta, transB: tb, alpha: alpha, beta: beta,
                                          lda: base.lda + padding, ldb: base.ldb + padding, ldc: base.ldc + padding)
                        let a = data.uniform(s.aStored.rows * s.lda), b = data.uniform(s.bStored.rows * s.ldb)
                        let c = data.uniform(s.m * s.ldc)
                        let cv = try device.uploadAtOffset(c, label: "C")
                        try device.gemm(s, a: try device.uploadAtOffset(a, label: "A"), b: try device.uploadAtOffset(b, label: "B"), c: cv)
                        assertClose(try device.readFloats(cv), Reference.gemm(s, batch: nil, a: a, b: b, c: c), atol: 1e-5, rtol: 1e-5,
                                    "\(policy) \(s)")
                    }
                }
            }
            let s = GEMMShape(m: 16, n: 16, k: 8, transB: .transposed, beta: 1)
            let batch = BatchStrides(count: 5, a: 16 * 8 + 4, b: 16 * 8, c: 16 * 16 + 1)
            let a = data.uniform(4 * batch.a + 16 * 8), b = data.uniform(4 * batch.b + 16 * 8), c = data.uniform(4 * batch.c + 256)
            let cv = try device.upload(c, label: "C")
            try device.gemmStridedBatched(s, batch: batch, a: try device.upload(a, label: "A"), b: try device.upload(b, label: "B"), c: cv)
            assertClose(try device.readFloats(cv), Reference.gemm(s, batch: batch, a: a, b: b, c: c), atol: 1e-5, rtol: 1e-5,
                        "\(policy) strided batch")
        }
    }

    func testBetaZeroIgnoresWhatCHeld() throws {
        for policy in policies {
            var options = DeviceOptions()
            options.cpuGEMM = policy
            let device = CPUDevice(options: options)
            let s = GEMMShape(m: 4, n: 5, k: 3)
            let c = try device.upload([Float](repeating: .nan, count: 20), label: "C")
            try device.gemm(s, a: try device.upload([Float](repeating: 1, count: 12), label: "A"),
                            b: try device.upload([Float](repeating: 2, count: 15), label: "B"), c: c)
            XCTAssertEqual(try device.readFloats(c), [Float](repeating: 6, count: 20), "\(policy)")
        }
    }

    func testMeasuredChoicesAreKeptPerMachineAndShared() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-gemm-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = DeviceOptions(kernelCacheDirectory: directory)
        options.cpuGEMM = .measured
        let first = CPUDevice(options: options)
        let s = GEMMShape(m: 64, n: 96, k: 48, transB: .transposed)
        let library = try first.gemmLibrary(s, batch: nil)
        guard CPUDevice.oneDNNAvailable else {
            XCTAssertEqual(library, .openBLAS, "without oneDNN every GEMM is OpenBLAS's")
            return
        }
        let path = try XCTUnwrap(first.gemmChoice.path)
        XCTAssertTrue(path.hasPrefix(directory + "/cpu-gemm/"), path)
        let key = GEMMOp.Call(gemm: s, batch: nil).shape
        let recorded = try XCTUnwrap(first.gemmChoice.entries[key])
        XCTAssertEqual(recorded.choice, library.rawValue)
        XCTAssertEqual(Set(recorded.seconds.keys), Set(CPUGEMMLibrary.allCases.map(\.rawValue)), "every candidate timed")
        XCTAssertEqual(recorded.choice, recorded.seconds.min { $0.value < $1.value }?.key)
        // A second device (a later run, another rank) reads the file and measures nothing.
        let second = CPUDevice(options: options)
        XCTAssertEqual(second.gemmChoice.entries[key], recorded)
        XCTAssertEqual(try second.gemmLibrary(s, batch: nil), library)
        // A damaged file is measured again, not trusted.
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        let third = CPUDevice(options: options)
        XCTAssertNil(third.gemmChoice.entries[key])
        _ = try third.gemmLibrary(s, batch: nil)
        XCTAssertNotNil(CPUGEMMChoice(path: path).entries[key], "rewritten after measuring")
    }
}
