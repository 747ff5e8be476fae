import Files
import Foundation

/// Turning the paths a user gives into files: plain files, shell globs (`*`, `?`, `[…]`) and, for shards,
/// folders.
enum PretrainingPaths {
    /// Each path as itself, or a glob's matches in sorted order; a pattern that matches nothing or a missing file
    /// is an error naming it.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            if path.contains(where: { "*?[".contains($0) }) {
                let matches = glob(path)
                guard !matches.isEmpty else { throw PretrainingError.missingInput(path: path) }
                files += matches
            } else {
                guard FileManager.default.fileExists(atPath: path) else { throw PretrainingError.missingInput(path: path) }
                files.append(path)
            }
        }
        return files
    }

    /// Shard files: a folder gives every `*.sbpt` inside it (sorted), other paths as ``expand(_:)``.
    static func shards(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                let names: [String]
                do {
                    try InputFile.checkFolder(path)
                    names = try FileManager.default.contentsOfDirectory(atPath: path)
                } catch let error as InputFileError {
                    throw PretrainingError.unreadableFile(path: path, reason: error.reason)
                } catch {
                    throw PretrainingError.unreadableFile(path: path, reason: "cannot be listed")
                }
                let found = names.filter { $0.hasSuffix(".sbpt") && !$0.hasPrefix(".") }.sorted()
                guard !found.isEmpty else { throw PretrainingError.missingInput(path: path + "/*.sbpt") }
                files += found.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            } else {
                files += try expand([path])
            }
        }
        return files
    }

    /// The files matching a shell pattern, sorted.
    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Foundation.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let cString = result.gl_pathv[index] { matches.append(String(cString: cString)) }
        }
        return matches.sorted()
    }
}
