import Foundation

/// The system calls a write makes. Every writer of checkpoints, models, predictions, metrics and caches goes through
/// `FileCalls`, so a test can make any of these fail with any `errno` (`WriteFaults`).
public enum WriteCall: String, CaseIterable, Sendable {
    /// `mkdir` of a folder (a missing parent, a checkpoint's staging folder).
    case makeFolder
    /// `open` of a new file (an atomic write's temporary, a file appended to).
    case create
    /// `write` of the bytes.
    case write
    /// `fsync` of a written file.
    case sync
    /// `rename` of a temporary into place (or of an old folder aside).
    case rename
}

/// The fault-injection seam of the write path, for tests: an armed fault makes the next matching system call fail
/// with its `errno` instead of running, exactly as the kernel would report a full disk (ENOSPC), a read-only file
/// system (EROFS), a refused permission (EACCES), an exceeded quota (EDQUOT) or a failing disk (EIO).
///
/// ```swift
/// WriteFaults.inject(ENOSPC, into: .sync, forPathsContaining: "model.safetensors")
/// defer { WriteFaults.clear() }
/// ```
/// Nothing is armed in a normal run; the check is one lock per system call of a write.
public enum WriteFaults {
    private struct Fault {
        let call: WriteCall
        let code: Int32
        let matches: @Sendable (String) -> Bool
        var skip: Int
        var remaining: Int
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var faults: [Fault] = []

    /// Makes the next `times` calls of `call` on a path containing `pathFragment` fail with `code`.
    public static func inject(_ code: Int32, into call: WriteCall, forPathsContaining pathFragment: String,
                              times: Int = 1) {
        inject(code, into: call, times: times) { $0.contains(pathFragment) }
    }

    /// Lets the first `skip` calls of `call` on a path for which `matches` holds run, then makes the next `times`
    /// fail with `code`.
    public static func inject(_ code: Int32, into call: WriteCall, skip: Int = 0, times: Int = 1,
                              where matches: @escaping @Sendable (String) -> Bool) {
        lock.withLock { faults.append(Fault(call: call, code: code, matches: matches, skip: skip, remaining: times)) }
    }

    /// Disarms every fault.
    public static func clear() { lock.withLock { faults.removeAll() } }

    /// How many armed faults have not fired yet.
    public static var pending: Int { lock.withLock { faults.reduce(0) { $0 + $1.remaining } } }

    /// The errno `call` on `path` must fail with, if a fault is armed for it (the fault is used up).
    static func fault(_ call: WriteCall, path: String) -> Int32? {
        lock.withLock {
            guard let index = faults.firstIndex(where: { $0.call == call && $0.remaining > 0 && $0.matches(path) })
            else { return nil }
            if faults[index].skip > 0 {
                faults[index].skip -= 1
                return nil
            }
            faults[index].remaining -= 1
            return faults[index].code
        }
    }
}

/// The system calls of the write path, each checked against `WriteFaults` first. They return what the C call
/// returns and leave the reason in `errno`.
public enum FileCalls {
    /// `mkdir(path, mode)`.
    public static func makeFolder(_ path: String, mode: mode_t = 0o755) -> Int32 {
        if let code = WriteFaults.fault(.makeFolder, path: path) { return fail(code) }
        return mkdir(path, mode)
    }

    /// `open(path, flags, mode)` for writing.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) -> Int32 {
        if let code = WriteFaults.fault(.create, path: path) { return fail(code) }
        return Foundation.open(path, flags, mode)
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR); false with `errno` set on failure.
    /// `path` names the file for fault injection.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) -> Bool {
        if let code = WriteFaults.fault(.write, path: path) {
            // A real failing write may have written part of the bytes first.
            if bytes.count > 1 { _ = Foundation.write(fd, bytes.baseAddress!, bytes.count / 2) }
            errno = code
            return false
        }
        var written = 0
        while written < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += n
        }
        return true
    }

    /// `fsync(fd)`.
    public static func sync(_ fd: Int32, path: String) -> Int32 {
        if let code = WriteFaults.fault(.sync, path: path) { return fail(code) }
        return fsync(fd)
    }

    /// `rename(from, to)`.
    public static func rename(_ from: String, _ to: String) -> Int32 {
        if let code = WriteFaults.fault(.rename, path: to) ?? WriteFaults.fault(.rename, path: from) { return fail(code) }
        return Foundation.rename(from, to)
    }

    /// Atomically exchanges two paths (`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on Darwin);
    /// -1 with `errno` set on failure, which `exchangeUnsupported` tells apart from a real error.
    public static func exchange(_ a: String, _ b: String) -> Int32 {
        if let code = WriteFaults.fault(.rename, path: b) { return fail(code) }
        #if os(Linux)
        // glibc ≥ 2.28 has renameat2, but Swift's Glibc module does not export it (it needs _GNU_SOURCE).
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return fail(ENOSYS) }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atFDCWD: Int32 = -100, renameExchange: UInt32 = 2
        return renameat2(atFDCWD, a, atFDCWD, b, renameExchange)
        #elseif canImport(Darwin)
        return renamex_np(a, b, UInt32(RENAME_SWAP))
        #else
        return fail(ENOSYS)
        #endif
    }

    /// Whether an `exchange` failure means the platform or file system cannot exchange (then rename aside instead).
    public static func exchangeUnsupported(_ code: Int32) -> Bool {
        code == EINVAL || code == ENOSYS || code == ENOTSUP || code == EOPNOTSUPP || code == EXDEV
    }

    /// Flushes a folder's entries (the renames inside it) to disk; best effort.
    public static func syncFolder(_ path: String) {
        let fd = Foundation.open(path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private static func fail(_ code: Int32) -> Int32 {
        errno = code
        return -1
    }
}
