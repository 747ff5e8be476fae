import Compute
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run's output folder, claimed by one run before it does any work:
///
/// 1. **Checked**: the folder is created (with its parents) and a probe file is written, synced and removed; a path
///    that is a file, read-only, not permitted or full is refused in one line naming it and the reason.
/// 2. **Locked**: an advisory `flock` on `OUTPUT/.lock`, held for the life of the process and released by the kernel
///    when it ends however it ends, so a stale lock never blocks a later run. The lock file names the holder (PID,
///    host, start time, command); a second run into a live run's folder is refused with those.
/// 3. **Cleared** of what killed writes left: every `TemporaryName` entry (`.NAME.tmp-PID-RANDOM`, `….old`) anywhere
///    in the folder whose writing process is gone, after the lock is held; another run's folder inside it (one with
///    its own lock) is left alone, and a folder set aside during a swap whose original is missing is renamed back.
///
/// Under `mpirun` only rank 0 claims the folder (the other ranks write nothing there).
///
/// ```swift
/// let output = try RunOutput.claim("runs/sst2", command: "bert finetune classify")
/// print(output.removedLeftovers)   // paths of dead temporaries removed
/// ```
public final class RunOutput {
    /// The folder, as given.
    public let path: String
    /// Temporaries of earlier killed writes that the claim removed, and their total size in bytes.
    public let removedLeftovers: [String]
    public let removedBytes: Int
    private var lockDescriptor: Int32

    /// The lock file's name inside the output folder.
    public static let lockName = ".lock"

    private init(path: String, lockDescriptor: Int32, removed: [String], bytes: Int) {
        self.path = path
        self.lockDescriptor = lockDescriptor
        removedLeftovers = removed
        removedBytes = bytes
    }

    /// Checks, locks and clears `path` for one run of `command` (see the type's description).
    public static func claim(_ path: String, command: String) throws -> RunOutput {
        try makeFolder(path)
        try probe(path)
        let descriptor = try lock(path, command: command)
        let (removed, bytes) = removeLeftovers(in: path)
        return RunOutput(path: path, lockDescriptor: descriptor, removed: removed, bytes: bytes)
    }

    /// Gives the lock back before the process ends (tests; a run keeps it to the end).
    public func release() {
        guard lockDescriptor >= 0 else { return }
        close(lockDescriptor)
        lockDescriptor = -1
    }

    /// Creates the folder and its parents (`Folders.create`), the reason of a failure in words.
    static func makeFolder(_ path: String) throws {
        do {
            try Folders.create(path)
        } catch let error as FolderError {
            throw RunOutputError.unusable(path: path, reason: error.reason)
        }
    }

    /// Writes, syncs and removes a one-byte probe file: the folder takes writes now.
    static func probe(_ path: String) throws {
        let probe = path + "/.write-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunOutputError.unusable(path: path, reason: "cannot write in it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor); unlink(probe) }
        var byte: UInt8 = 0x0A
        guard write(descriptor, &byte, 1) == 1, fsync(descriptor) == 0 else {
            throw RunOutputError.unusable(path: path, reason: "cannot write in it: \(String(cString: strerror(errno)))")
        }
    }

    /// Takes the folder's lock without waiting and writes who holds it; refused with the holder's details.
    static func lock(_ path: String, command: String) throws -> Int32 {
        let file = path + "/" + lockName
        let descriptor = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunOutputError.unusable(path: path, reason: "cannot open its lock file \(file): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            guard code == EWOULDBLOCK else {
                throw RunOutputError.unusable(path: path, reason: "cannot lock \(file): \(String(cString: strerror(code)))")
            }
            throw RunOutputError.busy(path: path, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "a process that has not written its name yet")
        }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let line = "pid \(getpid()) on \(hostName), started \(ISO8601DateFormatter().string(from: Date())): \(command)\n"
        ftruncate(descriptor, 0)
        _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return descriptor
    }

    /// Removes every temporary of an earlier killed write in `path` (at any depth; a temporary folder whole), except
    /// (a) those of a process still alive (the PID in the name), (b) anything inside a subfolder with its own lock
    /// (another run's folder), and (c) a folder set aside during a swap (`….old`) whose original is missing: that
    /// one is the only copy of the previous checkpoint or model, so it is renamed back instead.
    static func removeLeftovers(in path: String) -> (removed: [String], bytes: Int) {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return ([], 0) }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if FileManager.default.fileExists(atPath: path + "/" + relative + "/" + lockName) {
                walker.skipDescendants()   // another run's folder: its temporaries are its own business
                continue
            }
            guard TemporaryName.matches(name) else { continue }
            walker.skipDescendants()
            if let pid = TemporaryName.writer(of: name), pid == getpid() || kill(pid, 0) == 0 || errno == EPERM { continue }
            found.append(path + "/" + relative)
        }
        var bytes = 0
        var removed: [String] = []
        for item in found {
            if let original = TemporaryName.original(of: item), item.hasSuffix(".old"),
               !FileManager.default.fileExists(atPath: original), rename(item, original) == 0 {
                continue   // the previous folder, back under its name
            }
            let size = size(of: item)
            if (try? FileManager.default.removeItem(atPath: item)) != nil {
                bytes += size
                removed.append(item)
            }
        }
        return (removed, bytes)
    }

    private static func size(of path: String) -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else {
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return children.reduce(0) { $0 + size(of: path + "/" + $1) }
    }
}

/// Why a run cannot use its output folder, in one line.
public enum RunOutputError: Error, CustomStringConvertible, Equatable {
    /// The folder cannot be created or written.
    case unusable(path: String, reason: String)
    /// Another live run holds the folder's lock.
    case busy(path: String, holder: String)

    public var description: String {
        switch self {
        case let .unusable(path, reason):
            return "cannot use --output \(path): \(reason)"
        case let .busy(path, holder):
            return "--output \(path) belongs to a run in progress (\(holder)); wait for it to finish or choose another --output"
        }
    }
}
