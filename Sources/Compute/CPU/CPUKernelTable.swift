import CPUKernels
import Foundation

/// Which instruction set's build of the CPU backend's element-wise and row kernels to run (`--cpu-isa`).
public enum CPUKernelISA: String, Sendable, CaseIterable {
    /// The best this processor supports (read from CPUID at run time).
    case best
    /// The compiler's default target (x86-64: SSE2; arm64: NEON): every processor runs it.
    case baseline
    /// x86-64 AVX2 + FMA + F16C.
    case avx2
    /// x86-64 AVX-512 F/BW/DQ/VL.
    case avx512

    /// `SWIFTBERT_CPU_ISA` (baseline, avx2 or avx512), which replaces `best` — so a whole test run can exercise the
    /// baseline kernels on a processor with AVX-512 (CI does); nil when unset or not a name.
    static var environmentOverride: CPUKernelISA? {
        ProcessInfo.processInfo.environment["SWIFTBERT_CPU_ISA"].flatMap { CPUKernelISA(rawValue: $0.lowercased()) }
    }

    /// The instruction sets this processor can run with this build, best last.
    public static var supported: [CPUKernelISA] {
        [.baseline, .avx2, .avx512].filter { $0.table != nil }
    }

    /// The table of this instruction set's kernels, nil when the processor or the build lacks it.
    var table: UnsafePointer<sb_cpu_kernels>? {
        switch self {
        case .best: return sb_cpu_kernels_for(sb_cpu_best_isa())
        case .baseline: return sb_cpu_kernels_for(SB_ISA_BASELINE)
        case .avx2: return sb_cpu_kernels_for(SB_ISA_AVX2)
        case .avx512: return sb_cpu_kernels_for(SB_ISA_AVX512)
        }
    }
}

/// The chosen build of the C kernels (Sources/CPUKernels): a constant table of function pointers.
struct CPUKernelTable: @unchecked Sendable {
    let table: sb_cpu_kernels
    /// "baseline", "AVX2" or "AVX-512".
    let name: String

    /// The table for `isa` (`best` as `SWIFTBERT_CPU_ISA` says when set); the baseline build when this processor
    /// cannot run it.
    init(_ isa: CPUKernelISA) {
        let chosen = isa == .best ? CPUKernelISA.environmentOverride ?? .best : isa
        let pointer = chosen.table ?? sb_cpu_kernels_for(SB_ISA_BASELINE)!
        table = pointer.pointee
        name = String(cString: table.name)
    }
}

extension DropoutConfig {
    /// The C kernels' form of this dropout, nil when it drops nothing (p = 0).
    var kernelArgument: sb_dropout? {
        probability > 0 ? sb_dropout(seed: seed, stream: stream, probability: probability, scale: scale) : nil
    }
}

extension Optional where Wrapped == DropoutConfig {
    /// Runs `body` with a pointer to the C form of the dropout (NULL when none or p = 0).
    func withKernelArgument<R>(_ body: (UnsafePointer<sb_dropout>?) -> R) -> R {
        guard var argument = self?.kernelArgument else { return body(nil) }
        return withUnsafePointer(to: &argument) { body($0) }
    }
}

extension GELUKind {
    /// SB_GELU_ERF or SB_GELU_TANH.
    var kernelArgument: Int32 { self == .erf ? Int32(SB_GELU_ERF) : Int32(SB_GELU_TANH) }
}
