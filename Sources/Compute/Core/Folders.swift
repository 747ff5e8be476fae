import Foundation

/// Creating folders with the reason of a failure in words (the system's errno text naming the path), never
/// Foundation's error text: every writer of checkpoints, models, predictions, metrics and caches creates its folders
/// here.
public enum Folders {
    /// The folder that holds `path` (`.` for a bare file name).
    public static func containing(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// `mkdir -p path`: creates `path` and every missing parent. Throws `FolderError` naming the part that failed.
    public static func create(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FolderError(path: path, reason: "it is a file, not a folder") }
            return
        }
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") where !component.isEmpty {
            built += "/" + component
            if FileCalls.makeFolder(built) != 0 && errno != EEXIST {
                throw FolderError(path: path, reason: "cannot create \(built): \(String(cString: strerror(errno)))")
            }
            if FileManager.default.fileExists(atPath: built, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw FolderError(path: path, reason: "\(built) is a file, not a folder")
            }
        }
    }
}

/// A folder that could not be created: the folder asked for and what went wrong, in one line.
public struct FolderError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "cannot create the folder \(path): \(reason)" }
}
