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
/// a temporary file in the same folder, which is synced and then renamed over the target. A failure removes the
/// temporary and throws `AtomicFileError` naming the target and the system's reason.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating the folder if needed.
    public static func write(_ data: Data, to path: String) throws {
        let folder = Folders.containing(path)
        try Folders.create(folder)
        let temporary = TemporaryName.beside(path)
        let fd = FileCalls.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "create", code: errno) }
        var failure: AtomicFileError?
        let written = data.withUnsafeBytes { FileCalls.writeAll(fd, $0, path: temporary) }
        if !written { failure = AtomicFileError(path: path, operation: "write", code: errno) }
        if failure == nil, FileCalls.sync(fd, path: temporary) != 0 { failure = AtomicFileError(path: path, operation: "sync", code: errno) }
        close(fd)
        if failure == nil, FileCalls.rename(temporary, path) != 0 {
            failure = AtomicFileError(path: path, operation: "rename into place", code: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // Make the rename itself durable.
        FileCalls.syncFolder(folder)
    }

    /// Appends `data` to the file at `path` (created when missing): for logs written line by line, such as
    /// `metrics.jsonl`. Not atomic and not synced (a log line costs no disk flush): a failure or a crash may leave
    /// part of a line at the end, which readers of such logs skip.
    public static func append(_ data: Data, to path: String) throws {
        let fd = FileCalls.open(path, O_WRONLY | O_CREAT | O_APPEND)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "open for appending", code: errno) }
        defer { close(fd) }
        guard data.withUnsafeBytes({ FileCalls.writeAll(fd, $0, path: path) }) else {
            throw AtomicFileError(path: path, operation: "append to", code: errno)
        }
    }
}

/// A failed write, naming the file (its final name, never the temporary's), the step that failed and the
/// system's reason: `cannot sync runs/x/metrics.jsonl: No space left on device`.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable {
    /// The file being written.
    public let path: String
    /// The step that failed: create, write, sync, rename into place, open for appending, append to.
    public let operation: String
    /// The `errno`.
    public let code: Int32

    /// The system's reason in words.
    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// A file written piece by piece and made visible only by `commit()`: the bytes stream into a temporary file in
/// the same folder, which `commit` syncs and renames over the target. Dropped without `commit`, or after a failed
/// write, the temporary file is removed and the target is untouched.
public final class AtomicFileWriter {
    /// The file's final name.
    public let path: String
    private let temporary: String
    private var fd: Int32

    public init(path: String) throws {
        self.path = path
        let folder = Folders.containing(path)
        try Folders.create(folder)
        temporary = TemporaryName.beside(path)
        fd = FileCalls.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "create", code: errno) }
    }

    deinit { abandon() }

    /// Appends `data` to the temporary file.
    public func write(_ data: Data) throws {
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "write", code: EBADF) }
        guard data.withUnsafeBytes({ FileCalls.writeAll(fd, $0, path: temporary) }) else {
            let failure = AtomicFileError(path: path, operation: "write", code: errno)
            abandon()
            throw failure
        }
    }

    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Syncs the data and renames the file into place.
    public func commit() throws {
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "write", code: EBADF) }
        if FileCalls.sync(fd, path: temporary) != 0 {
            let failure = AtomicFileError(path: path, operation: "sync", code: errno)
            abandon()
            throw failure
        }
        close(fd)
        fd = -1
        guard FileCalls.rename(temporary, path) == 0 else {
            let failure = AtomicFileError(path: path, operation: "rename into place", code: errno)
            unlink(temporary)
            throw failure
        }
        FileCalls.syncFolder(Folders.containing(path))
    }

    /// Closes and removes the temporary file.
    private func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporary)
    }
}
