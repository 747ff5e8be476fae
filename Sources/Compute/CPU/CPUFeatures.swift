import Foundation

/// The vector and matrix instruction sets of this machine's processor that matter for BERT's kernels, read at run
/// time from the kernel's report (`/proc/cpuinfo` flags on x86-64, features on arm64) — never assumed from a model
/// name. Listed by `bert devices` and kept in the CPU backend's `DeviceInfo.extensions`.
enum CPUFeatures {
    /// The flags looked for, in report order, with the names printed.
    private static let known: [(flag: String, name: String)] = [
        ("avx2", "AVX2"), ("fma", "FMA"), ("avx512f", "AVX-512F"), ("avx512bw", "AVX-512BW"),
        ("avx512_vnni", "AVX512-VNNI"), ("avx512_bf16", "AVX512-BF16"), ("avx512_fp16", "AVX512-FP16"),
        ("amx_bf16", "AMX-BF16"), ("amx_int8", "AMX-INT8"), ("asimd", "NEON"), ("sve", "SVE"), ("bf16", "BF16"),
    ]

    /// The features of the first processor listed, by their printed names.
    static func detect(cpuinfo path: String = "/proc/cpuinfo") -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") || $0.hasPrefix("Features") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return known.filter { flags.contains($0.flag) }.map(\.name)
    }
}
