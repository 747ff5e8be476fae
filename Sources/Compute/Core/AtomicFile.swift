import Foundation

/// The name of the temporary every atomic write makes beside its target — `.NAME.tmp-PID-RANDOM`, and `….old` for a
/// folder set aside during a swap — in one place, so a run can find and remove what killed writes left behind.
public enum TemporaryName {
    /// A fresh temporary path in the folder of `target`.
    public static func beside(_ target: String) -> String {
        let url = URL(fileURLWithPath: target)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    }

    /// The process that made the temporary `name` (its PID), or nil when `name` is not one.
    public static func writer(of name: String) -> Int32? {
        guard matches(name), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        return name[marker.upperBound...].split(separator: "-").first.flatMap { Int32($0) }
    }

    /// The target a temporary at `path` stands for (`dir/.NAME.tmp-…` → `dir/NAME`), or nil when it is not one.
    public static func original(of path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        guard matches(name), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        return ((path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(String(name[name.index(after: name.startIndex)..<marker.lowerBound]))
    }

    /// Whether a file or folder name is one of these temporaries.
    public static func matches(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards), marker.lowerBound > name.index(after: name.startIndex) else {
            return false
        }
        var tail = name[marker.upperBound...]
        if tail.hasSuffix(".old") { tail = tail.dropLast(4) }
        let parts = tail.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

/// Writes files so that a reader sees either the old content or the new, never a torn file: the bytes go to
/// a temporary file in the same folder, which is synced and then renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating the folder if needed.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        try Folders.create(folder.path)
        let temporary = URL(fileURLWithPath: TemporaryName.beside(path))
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: temporary.path, operation: "create", code: errno) }
        var failure: AtomicFileError?
        data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = AtomicFileError(path: temporary.path, operation: "write", code: errno)
                    return
                }
                written += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = AtomicFileError(path: temporary.path, operation: "fsync", code: errno) }
        close(fd)
        if failure == nil, rename(temporary.path, url.path) != 0 {
            failure = AtomicFileError(path: url.path, operation: "rename into place", code: errno)
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        // Make the rename itself durable.
        let folderFD = open(folder.path, O_RDONLY)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }
}

/// A failed atomic write, naming the file and the step that failed.
public struct AtomicFileError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32
    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

/// A file written piece by piece and made visible only by `commit()`: the bytes stream into a temporary file in
/// the same folder, which `commit` syncs and renames over the target. Dropped without `commit`, the temporary
/// file is removed and the target is untouched.
public final class AtomicFileWriter {
    public let path: String
    private let temporary: String
    private var handle: FileHandle?

    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        try Folders.create(url.deletingLastPathComponent().path)
        temporary = TemporaryName.beside(path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw AtomicFileError(path: temporary, operation: "create", code: errno)
        }
        self.handle = handle
    }

    deinit {
        if let handle {
            try? handle.close()
            unlink(temporary)
        }
    }

    public func write(_ data: Data) throws {
        guard let handle else { throw AtomicFileError(path: path, operation: "write after commit to", code: EBADF) }
        try handle.write(contentsOf: data)
    }

    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Syncs the data and renames the file into place.
    public func commit() throws {
        guard let handle else { return }
        try handle.synchronize()
        try handle.close()
        self.handle = nil
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFileError(path: path, operation: "rename into place", code: code)
        }
    }
}
