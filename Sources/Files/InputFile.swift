#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input that cannot be read as the file it should be, in words: the path and the reason (`it is a folder; a
/// file is expected`, `a FIFO (named pipe), not a regular file`, `a symbolic link loop`, `permission denied`, `no
/// such file`, `not text: a NUL byte on line 3`). Readers turn it into their own error type with `reason`.
public struct InputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file asked for.
    public let path: String
    /// What is wrong, as a phrase that reads after the path.
    public let reason: String
    /// The system's error number, when the system refused (ENOENT for a missing file).
    public let code: Int32?

    public init(path: String, reason: String, code: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.code = code
    }

    /// Whether nothing exists at the path.
    public var isMissing: Bool { code == ENOENT }

    public var description: String { "\(path): \(reason)" }
}

/// Opening and reading input files the same way in every reader (data sets, vocabularies, configurations,
/// checkpoints, shards, corpora): only a regular file is read — a folder, FIFO, device or socket is refused before
/// anything is read (a FIFO is opened without blocking), and every system refusal is a sentence naming the path.
public enum InputFile {
    /// Opens `path` read-only, refusing anything but a regular file; returns the descriptor (the caller closes it)
    /// and the file's size.
    public static func open(_ path: String) throws -> (descriptor: Int32, size: Int) {
        #if canImport(Glibc)
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #else
        let descriptor = Darwin.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #endif
        guard descriptor >= 0 else { throw refusal(path, code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw InputFileError(path: path, reason: "cannot be examined: \(text(of: code))", code: code)
        }
        if let kind = kind(of: info.st_mode) {
            close(descriptor)
            throw InputFileError(path: path, reason: kind)
        }
        // Reads of a regular file do not block; clear the flag so the descriptor behaves as usual.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return (descriptor, Int(info.st_size))
    }

    /// Checks that `path` can be opened and is a regular file (for readers that open it themselves afterwards).
    public static func check(_ path: String) throws {
        close(try open(path).descriptor)
    }

    /// The whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let (descriptor, size) = try open(path)
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                #else
                Darwin.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw InputFileError(path: path, reason: "cannot be read: \(text(of: code))", code: code)
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// The whole file, which must be text (see `checkText`).
    public static func readText(_ path: String) throws -> [UInt8] {
        let bytes = try read(path)
        try checkText(bytes, path: path)
        return bytes
    }

    /// How many leading bytes `checkText` examines.
    public static let textProbeLength = 8000

    /// Refuses a binary file: one with a NUL byte in its first `textProbeLength` bytes, the rule git uses. A NUL
    /// further on is text to readers that drop it (Google's tokenizer does), so it is let through. `bytes` start at
    /// byte `offset` of the file, on line `firstLine`; the error names the NUL's line.
    public static func checkText(_ bytes: some Collection<UInt8>, path: String, offset: Int = 0, firstLine: Int = 1) throws {
        guard offset < textProbeLength else { return }
        let probe = bytes.prefix(textProbeLength - offset)
        guard probe.contains(0) else { return }
        var line = firstLine
        for byte in probe {
            if byte == 0 { break }
            if byte == 0x0A { line += 1 }
        }
        throw InputFileError(path: path, reason: "is not text: a NUL byte on line \(line) (a binary file?)")
    }

    /// Checks that `path` is a folder that can be listed.
    public static func checkFolder(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw refusal(path, code: errno, folder: true) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw InputFileError(path: path, reason: (info.st_mode & S_IFMT) == S_IFREG
                                 ? "is a file; a folder is expected" : kind(of: info.st_mode) ?? "is not a folder")
        }
        guard let folder = opendir(path) else { throw refusal(path, code: errno, folder: true) }
        closedir(folder)
    }

    /// Why a file of this mode is not a data file, or nil for a regular file.
    private static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder; a file is expected"
        case S_IFIFO: return "is a FIFO (named pipe); a regular file is expected"
        case S_IFCHR, S_IFBLK: return "is a device; a regular file is expected"
        case S_IFSOCK: return "is a socket; a regular file is expected"
        default: return "is not a regular file"
        }
    }

    /// The error for a failed `open` or `stat`.
    private static func refusal(_ path: String, code: Int32, folder: Bool = false) -> InputFileError {
        switch code {
        case ENOENT:
            var link = stat()
            if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                return InputFileError(path: path, reason: "is a symbolic link to something missing", code: code)
            }
            return InputFileError(path: path, reason: folder ? "no such folder" : "no such file", code: code)
        case ELOOP:
            return InputFileError(path: path, reason: "is a symbolic link loop (too many levels of links)", code: code)
        case EACCES, EPERM:
            return InputFileError(path: path, reason: "cannot be read: permission denied", code: code)
        case ENOTDIR:
            return InputFileError(path: path, reason: "does not exist: a part of the path is a file, not a folder", code: code)
        default:
            return InputFileError(path: path, reason: "cannot be opened: \(text(of: code))", code: code)
        }
    }

    private static func text(of code: Int32) -> String { String(cString: strerror(code)) }
}
