import Foundation

/// A library that can run the CPU backend's GEMMs.
public enum CPUGEMMLibrary: String, Codable, Sendable, CaseIterable {
    case openBLAS = "openblas"
    /// oneDNN's matmul primitive (also strided batches).
    case oneDNN = "onednn"
    /// oneDNN's BLAS-style `dnnl_sgemm` (plain GEMMs only).
    case oneDNNSGEMM = "onednn-sgemm"
}

/// Which library runs each GEMM shape on this machine (and whether `--precision auto` is bf16), measured once: every
/// candidate times the shape on scratch operands (one untimed run, then the best of five alternating timed rounds)
/// and the fastest wins — a measured choice, not a table of processor names (oneDNN's fp32 matmul beat OpenBLAS 4–6× on one machine of this project
/// and lost to it on another). Choices are kept in `<cache>/cpu-gemm/<processor>-<threads>t-v<format>.json`, read and extended
/// under an advisory lock (`flock`) and written atomically, so every run on a machine — concurrent MPI ranks too —
/// uses the same library for a shape, and results are reproducible run to run.
final class CPUGEMMChoice {
    /// One measurement: the faster candidate and each candidate's seconds per call.
    struct Entry: Codable, Equatable {
        let choice: String
        let seconds: [String: Double]
    }

    /// The choices file, or nil when choices stay in memory (no writable cache).
    let path: String?
    private(set) var entries: [String: Entry] = [:]

    init(path: String?) {
        self.path = path
        if let path { entries = Self.read(path) }
    }

    /// What the measurements mean; a new value starts a new file. 2: OpenBLAS timed on one thread next to oneDNN
    /// (`CPUDevice.openBLASThreads`), and `--precision auto`'s per-shape bf16-or-fp32 entries.
    static let format = 2

    /// The file of a machine: `directory/<processor>-<threads>t-v<format>.json`, the processor name reduced to
    /// file-name characters.
    static func path(directory: String, processor: String, threads: Int) -> String {
        let name = String(processor.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "\(directory)/\(name)-\(threads)t-v\(format).json"
    }

    /// The library for `key` (a GEMM's shape text): the recorded choice, or the fastest of `measure()`'s seconds
    /// per library, recorded.
    func library(for key: String, measure: () throws -> [CPUGEMMLibrary: Double]) rethrows -> CPUGEMMLibrary {
        let name = try choice(for: key) {
            Dictionary(uniqueKeysWithValues: try measure().map { ($0.key.rawValue, $0.value) })
        }
        return CPUGEMMLibrary(rawValue: name) ?? .openBLAS
    }

    /// The faster candidate for `key`: the recorded one, or the fastest of `measure()`'s seconds per candidate,
    /// recorded (the library of a GEMM shape; `auto`'s precision). `measure` runs under the file lock, which is
    /// not re-entrant: it must not ask for another choice.
    func choice(for key: String, measure: () throws -> [String: Double]) rethrows -> String {
        if let entry = entries[key] { return entry.choice }
        guard let path else {
            let entry = Self.entry(try measure())
            entries[key] = entry
            return entry.choice
        }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        entries.merge(Self.read(path)) { _, onDisk in onDisk }   // another process may have measured it meanwhile
        if let entry = entries[key] { return entry.choice }
        let entry = Self.entry(try measure())
        entries[key] = entry
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let data = try? encoder.encode(entries) { try? AtomicFile.write(data, to: path) }
        return entry.choice
    }

    /// The fastest candidate (ties: the first by name).
    private static func entry(_ seconds: [String: Double]) -> Entry {
        let fastest = seconds.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.first?.key ?? ""
        return Entry(choice: fastest, seconds: seconds)
    }

    /// The recorded choices, or none when the file is missing or unreadable (it is then measured again).
    private static func read(_ path: String) -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }
}
