import Compute
import Foundation

/// Whole-folder atomic installs: a checkpoint is written into a temporary sibling folder, every file synced,
/// then the folder is renamed into place — a reader sees the old checkpoint or the new one, never a mix.
///
/// Replacing an existing folder uses an atomic exchange (`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)`
/// on Darwin) and then deletes the old contents; where the file system cannot exchange, the old folder is
/// renamed aside first, so a crash leaves either folder intact under a recognisable name.
enum FolderSwap {
    /// A fresh, empty staging folder beside `target` (`.NAME.tmp-PID-RANDOM`).
    static func makeStagingFolder(for target: String) throws -> String {
        let url = URL(fileURLWithPath: target)
        let parent = url.deletingLastPathComponent().path
        do {
            try Folders.create(parent)
        } catch let error as FolderError {
            throw CheckpointError(.io, file: parent, "cannot create the folder: \(error.reason)")
        }
        let staging = TemporaryName.beside(target)
        guard mkdir(staging, 0o755) == 0 else {
            throw CheckpointError(.io, file: staging, "cannot create: \(String(cString: strerror(errno)))")
        }
        return staging
    }

    /// Moves `staging` to `target`. An existing `target` is replaced only when `replacing` is true.
    static func install(_ staging: String, at target: String, replacing: Bool) throws {
        syncFolder(staging)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard replacing else {
                throw CheckpointError(.io, file: target, "already exists (pass replacing: true / --overwrite to replace it)")
            }
            guard isDirectory.boolValue else { throw CheckpointError(.io, file: target, "exists and is not a folder") }
            if exchange(staging, target) {
                // `staging` now holds the old checkpoint.
                try? FileManager.default.removeItem(atPath: staging)
            } else {
                let aside = staging + ".old"
                guard rename(target, aside) == 0 else {
                    throw CheckpointError(.io, file: target, "cannot move the old folder aside: \(String(cString: strerror(errno)))")
                }
                guard rename(staging, target) == 0 else {
                    let message = String(cString: strerror(errno))
                    _ = rename(aside, target)
                    throw CheckpointError(.io, file: target, "cannot rename \(staging) into place: \(message)")
                }
                try? FileManager.default.removeItem(atPath: aside)
            }
        } else if rename(staging, target) != 0 {
            throw CheckpointError(.io, file: target, "cannot rename \(staging) into place: \(String(cString: strerror(errno)))")
        }
        syncFolder(URL(fileURLWithPath: target).deletingLastPathComponent().path)
    }

    /// Flushes a folder's entries (the renames inside it) to disk.
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Atomically exchanges two paths; false when the platform or file system cannot.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        // glibc ≥ 2.28 has renameat2, but Swift's Glibc module does not export it (it needs _GNU_SOURCE).
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atFDCWD: Int32 = -100, renameExchange: UInt32 = 2
        return renameat2(atFDCWD, a, atFDCWD, b, renameExchange) == 0
        #elseif canImport(Darwin)
        return renamex_np(a, b, UInt32(RENAME_SWAP)) == 0
        #else
        return false
        #endif
    }
}
