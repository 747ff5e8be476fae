import TestSupport
import XCTest
@testable import Compute

/// The C kernels built for each instruction set this processor runs give bit-identical results (contraction off,
/// fixed-order reductions), and their Philox draws are those of the Swift reference (so of the OpenCL kernels).
final class CPUKernelISATests: XCTestCase {
    private func device(_ isa: CPUKernelISA, threads: Int = 2) -> CPUDevice {
        var options = DeviceOptions(threads: threads)
        options.cpuISA = isa
        return CPUDevice(options: options, settingBLASThreads: false)
    }

    func testEveryInstructionSetMatchesTheBaselineBitForBit() throws {
        let supported = CPUKernelISA.supported
        XCTAssertEqual(supported.first, .baseline)
        if supported.count == 1 {
            // Nothing to compare: say so rather than pass. Every x86-64 machine CI runs on has AVX2, so there the
            // lack of a second build is a failure (a broken CPUID check or a build without the ISA files).
            #if arch(x86_64)
            if TestDevices.isCI { XCTFail("CI is set but this x86-64 processor runs only the baseline kernel build") }
            #endif
            throw XCTSkip("this processor runs only the baseline kernel build: no other build to compare")
        }
        let baseline = device(.baseline)
        XCTAssertEqual(baseline.kernels.name, "baseline")
        let bert = AttentionShape(batch: 2, heads: 2, queryLength: 128, keyLength: 128, headDim: 64)
        let calls = OpCatalog.coverage.filter { !$0.isGEMM } + [
            .attentionSoftmax(bert, mask: true, writesDropped: true), .attentionSoftmaxBackward(bert, dropout: true),
            .layerNorm(rows: 37, columns: 768, residual: true, dropout: true, storesSum: true),
            .layerNormBackward(rows: 37, columns: 768), .biasGELU(rows: 9, columns: 3072, kind: .erf),
        ]
        for isa in supported.dropFirst() {
            let other = device(isa)
            XCTAssertNotEqual(other.kernels.name, "baseline", "\(isa)")
            for (i, call) in calls.enumerated() {
                let seed = 0xB17 + UInt64(i)
                let op = try OpReplay.prepare(call, on: other, seed: seed)
                let result = try OpValidation.compare(op, seed: seed, device: other, reference: baseline)
                for (output, comparison) in result.comparisons {
                    XCTAssertEqual(comparison.maxAbsoluteError, 0, "\(call) \(output): \(isa) vs baseline: \(comparison)")
                }
            }
        }
    }

    func testPhiloxDrawsMatchTheSwiftReferenceAtEverySplit() throws {
        let count = 1001
        for isa in CPUKernelISA.supported {
            for threads in [1, 2, 3] {
                let cpu = device(isa, threads: threads)
                let x = try cpu.allocate(count, label: "u")
                try cpu.execute(FillUniformOp(x: x, seed: 0xDEAD_BEEF_1234, stream: 77), role: .unnamed)
                let expected = (0..<count).map { Philox.uniform(seed: 0xDEAD_BEEF_1234, stream: 77, index: UInt64($0)) }
                XCTAssertEqual(try cpu.readFloats(x), expected, "\(isa), \(threads) threads")
            }
        }
    }

    func testRequestingAnInstructionSetTheProcessorLacksFallsBackToBaseline() {
        for isa in [CPUKernelISA.avx2, .avx512] where !CPUKernelISA.supported.contains(isa) {
            XCTAssertEqual(device(isa).kernels.name, "baseline")
        }
        // best = the processor's best, unless SWIFTBERT_CPU_ISA names another (CI's baseline run).
        XCTAssertEqual(device(.best).kernels.name,
                       CPUKernelTable(CPUKernelISA.environmentOverride ?? CPUKernelISA.supported.last!).name)
    }
}
