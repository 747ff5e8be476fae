import Foundation

/// The OpenCL kernel sources (Kernels/*.cl), embedded into the binary at build time by the EmbedKernels
/// plugin so `bert` finds them from any working directory.
///
/// A file that uses helpers from another says so in its header with a line `// requires: philox.cl`; the
/// program built for it is the required files followed by the file itself (`programSource(_:)`), so every
/// program is still a single self-contained OpenCL C 1.2 unit.
///
/// For kernel development, `SWIFTBERT_KERNEL_DIR=/path/to/Kernels` makes the library read the files from disk
/// instead, so an edited kernel is picked up without rebuilding.
public enum KernelLibrary {
    /// Names of every kernel file, e.g. `["elementwise.cl", "gelu.cl", …]`.
    public static var fileNames: [String] { EmbeddedKernelSources.files.keys.sorted() }

    /// The source of one kernel file.
    public static func source(_ file: String) throws -> String {
        if let folder = ProcessInfo.processInfo.environment["SWIFTBERT_KERNEL_DIR"], !folder.isEmpty {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ComputeError.unknownKernelFile("\(file) (SWIFTBERT_KERNEL_DIR: cannot read \(path))")
            }
        }
        guard let source = EmbeddedKernelSources.files[file] else { throw ComputeError.unknownKernelFile(file) }
        return source
    }

    /// The source of the program built for `file`: the files it requires (transitively, each once, in order),
    /// then the file itself.
    public static func programSource(_ file: String) throws -> String {
        var ordered: [String] = []
        var visiting: Set<String> = []
        func visit(_ name: String) throws {
            if ordered.contains(name) { return }
            guard visiting.insert(name).inserted else {
                throw ComputeError.unknownKernelFile("\(name) (circular '// requires:' chain)")
            }
            for dependency in requirements(of: try source(name)) { try visit(dependency) }
            ordered.append(name)
        }
        try visit(file)
        return try ordered.map { "// ---- \($0) ----\n" + (try source($0)) }.joined(separator: "\n")
    }

    /// File names listed on `// requires:` lines of a source's leading comment block.
    static func requirements(of source: String) -> [String] {
        var names: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("//") else { break }
            guard let range = line.range(of: "requires:") else { continue }
            names += line[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        return names
    }
}
