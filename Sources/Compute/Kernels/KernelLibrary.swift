import Foundation

/// The OpenCL kernel sources (Kernels/*.cl), embedded into the binary at build time by the EmbedKernels
/// plugin so `bert` finds them from any working directory.
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
}
