import Foundation

/// A library that can run the CPU backend's GEMMs.
public enum CPUGEMMLibrary: String, Codable, Sendable {
    case openBLAS = "openblas"
    case oneDNN = "onednn"
}

/// Which library runs each GEMM shape on this machine, measured once: both libraries time the shape on scratch
/// operands (one untimed run, then the median of three alternating timed runs each) and the faster wins — a measured
/// choice, not a table of processor names (oneDNN's fp32 matmul beat OpenBLAS 4–6× on one machine of this project
/// and lost to it on another). Choices are kept in `<cache>/cpu-gemm/<processor>-<threads>t.json`, read and extended
/// under an advisory lock (`flock`) and written atomically, so every run on a machine — concurrent MPI ranks too —
/// uses the same library for a shape, and results are reproducible run to run.
final class CPUGEMMChoice {
    /// One shape's measurement.
    struct Entry: Codable, Equatable {
        let library: CPUGEMMLibrary
        let openBLASSeconds: Double
        let oneDNNSeconds: Double
    }

    /// The choices file, or nil when choices stay in memory (no writable cache).
    let path: String?
    private(set) var entries: [String: Entry] = [:]

    init(path: String?) {
        self.path = path
        if let path { entries = Self.read(path) }
    }

    /// The file of a machine: `directory/<processor>-<threads>t.json`, the processor name reduced to file-name
    /// characters.
    static func path(directory: String, processor: String, threads: Int) -> String {
        let name = String(processor.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "\(directory)/\(name)-\(threads)t.json"
    }

    /// The library for `key` (a GEMM's shape text): the recorded choice, or `measure()`'s (seconds of OpenBLAS,
    /// seconds of oneDNN), recorded.
    func library(for key: String, measure: () throws -> (openBLAS: Double, oneDNN: Double)) rethrows -> CPUGEMMLibrary {
        if let entry = entries[key] { return entry.library }
        guard let path else {
            let entry = Self.entry(try measure())
            entries[key] = entry
            return entry.library
        }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        entries.merge(Self.read(path)) { _, onDisk in onDisk }   // another process may have measured it meanwhile
        if let entry = entries[key] { return entry.library }
        let entry = Self.entry(try measure())
        entries[key] = entry
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let data = try? encoder.encode(entries) { try? AtomicFile.write(data, to: path) }
        return entry.library
    }

    private static func entry(_ seconds: (openBLAS: Double, oneDNN: Double)) -> Entry {
        Entry(library: seconds.oneDNN < seconds.openBLAS ? .oneDNN : .openBLAS, openBLASSeconds: seconds.openBLAS,
              oneDNNSeconds: seconds.oneDNN)
    }

    /// The recorded choices, or none when the file is missing or unreadable (it is then measured again).
    private static func read(_ path: String) -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }
}
