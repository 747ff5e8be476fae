import Foundation
import TestSupport
import XCTest
@testable import Compute

/// One name per op across the backends: every C kernel of `sb_cpu_kernels` has OpenCL twins of its name in
/// `Kernels/`, every OpenCL kernel runs when the catalogue runs (so an op left out of `OpCatalog.coverage`, or a
/// kernel no op launches, fails here), and calls compare as typed values.
final class OpIdentityTests: XCTestCase {
    /// Every `__kernel` in Kernels/*.cl, by name.
    private static var openCLKernels: Set<String> {
        get throws {
            let pattern = try NSRegularExpression(pattern: #"__kernel[^;{]*?\bvoid\s+(\w+)\s*\("#, options: [.dotMatchesLineSeparators])
            var names = Set<String>()
            for file in KernelLibrary.fileNames {
                let source = try KernelLibrary.source(file)
                for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                    names.insert(String(source[Range(match.range(at: 1), in: source)!]))
                }
            }
            return names
        }
    }

    /// The function fields of the C kernel table, by name (read from the imported struct, so a field added to
    /// `sb_cpu_kernels` is seen without editing this test).
    private static var cKernels: [String] {
        let table = CPUKernelISA.baseline.table!.pointee
        return Mirror(reflecting: table).children.compactMap(\.label).filter { $0 != "name" }
    }

    /// The OpenCL kernels that are a C kernel's twins: its own name, or its name with a variant suffix where the
    /// OpenCL side builds one kernel per variant (GELU forms) or splits the work into passes (the two-pass Σx²).
    private static func twins(of cName: String) -> [String] {
        switch cName {
        case "gelu_forward", "gelu_backward", "bias_gelu_forward": return GELUKind.allCases.map { "\(cName)_\($0.rawValue)" }
        case "sum_of_squares": return ["sum_of_squares_partial", "sum_of_squares_final"]
        default: return [cName]
        }
    }

    /// C kernels with no OpenCL counterpart, and why.
    private static let cOnly: Set<String> = [
        "to_bfloat16",   // the CPU backend's bf16 GEMM operands; OpenCL GEMMs are CLBlast's, in float32
    ]

    func testEveryCKernelHasOpenCLTwinsOfTheSameName() throws {
        let openCL = try Self.openCLKernels, c = Self.cKernels
        XCTAssertGreaterThan(c.count, 15, "the table's fields were read")
        for name in c where !Self.cOnly.contains(name) {
            for twin in Self.twins(of: name) {
                XCTAssertTrue(openCL.contains(twin), "C kernel \(name): no OpenCL kernel \(twin) in Kernels/")
            }
        }
        XCTAssertTrue(Self.cOnly.isSubset(of: c), "the C-only list names kernels the table has")
    }

    func testTheCatalogueRunsEveryOpenCLKernel() throws {
        let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: true))
        for (i, call) in OpCatalog.coverage.enumerated() {
            try OpReplay.prepare(call, on: device, seed: UInt64(i)).run()
        }
        let launched = Set(try device.timings().map(\.name))
        // The profiler's probes (peak.cl) are no op's kernels; PeakProbeTests runs them.
        let opKernels = try Self.openCLKernels.filter { !$0.hasPrefix("peak_") }
        XCTAssertEqual(opKernels.subtracting(launched).sorted(), [],
                       "OpenCL kernels no call of OpCatalog.coverage launches: add the op's calls to the catalogue")
    }

    func testCallsCompareAsTypedValues() {
        let a = OpCall.layerNorm(rows: 4, columns: 8, residual: true, dropout: false, storesSum: true)
        XCTAssertEqual(a, .layerNorm(rows: 4, columns: 8, residual: true, dropout: false, storesSum: true))
        XCTAssertNotEqual(a, .layerNorm(rows: 4, columns: 8, residual: true, dropout: true, storesSum: true))
        XCTAssertNotEqual(OpCall.add(count: 5), .multiply(count: 5))
        XCTAssertEqual(Set(OpCatalog.coverage).count, OpCatalog.coverage.count, "no call listed twice")
        XCTAssertEqual(OpCall.add(count: 5).name, .add)
    }
}
