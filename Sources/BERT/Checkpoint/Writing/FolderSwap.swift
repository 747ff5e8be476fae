import Compute
import Files
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
        guard FileCalls.makeFolder(staging) == 0 else {
            throw CheckpointError(.io, file: target, "cannot create its staging folder: \(String(cString: strerror(errno)))")
        }
        return staging
    }

    /// Moves `staging` to `target`. An existing `target` is replaced only when `replacing` is true.
    static func install(_ staging: String, at target: String, replacing: Bool) throws {
        FileCalls.syncFolder(staging)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard replacing else {
                throw CheckpointError(.io, file: target, "already exists (pass replacing: true / --overwrite to replace it)")
            }
            guard isDirectory.boolValue else { throw CheckpointError(.io, file: target, "exists and is not a folder") }
            if FileCalls.exchange(staging, target) == 0 {
                // `staging` now holds the old checkpoint.
                try? FileManager.default.removeItem(atPath: staging)
            } else if !FileCalls.exchangeUnsupported(errno) {
                throw CheckpointError(.io, file: target, "cannot swap the new folder into place: \(String(cString: strerror(errno)))")
            } else {
                let aside = staging + ".old"
                guard FileCalls.rename(target, aside) == 0 else {
                    throw CheckpointError(.io, file: target, "cannot move the old folder aside: \(String(cString: strerror(errno)))")
                }
                guard FileCalls.rename(staging, target) == 0 else {
                    let message = String(cString: strerror(errno))
                    _ = rename(aside, target)
                    throw CheckpointError(.io, file: target, "cannot rename the new folder into place: \(message)")
                }
                try? FileManager.default.removeItem(atPath: aside)
            }
        } else if FileCalls.rename(staging, target) != 0 {
            throw CheckpointError(.io, file: target, "cannot rename the new folder into place: \(String(cString: strerror(errno)))")
        }
        FileCalls.syncFolder(Folders.containing(target))
    }

}

/// Copies a checkpoint folder whole, atomically: every file streamed into a staging sibling of `target` and synced,
/// then the staging folder installed in place of `target` (`FolderSwap`). Used to make `OUTPUT/model` the best
/// checkpoint byte for byte.
public enum FolderCopy {
    public static func copy(_ source: String, to target: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: source).filter { !$0.hasPrefix(".") }.sorted()
        let staging = try FolderSwap.makeStagingFolder(for: target)
        do {
            for name in names { try copyFile(source + "/" + name, to: staging + "/" + name, finalName: target + "/" + name) }
            try FolderSwap.install(staging, at: target, replacing: true)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    /// Streams one file in 8 MiB pieces (a BERT-Large optimizer state does not need to fit in memory twice).
    private static func copyFile(_ source: String, to path: String, finalName: String) throws {
        let (input, _) = try InputFile.open(source)
        defer { close(input) }
        let output = FileCalls.open(path, O_WRONLY | O_CREAT | O_EXCL)
        guard output >= 0 else { throw CheckpointError(.io, file: finalName, "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 8 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw CheckpointError(.io, file: source, "cannot read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            guard buffer.withUnsafeBytes({ FileCalls.writeAll(output, UnsafeRawBufferPointer(rebasing: $0[..<n]), path: path) }) else {
                throw CheckpointError(.io, file: finalName, "cannot write: \(String(cString: strerror(errno)))")
            }
        }
        guard FileCalls.sync(output, path: path) == 0 else {
            throw CheckpointError(.io, file: finalName, "cannot sync: \(String(cString: strerror(errno)))")
        }
    }
}
