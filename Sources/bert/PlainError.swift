import Foundation

/// The last line of defence against Foundation's error text (`Error Domain=NSCocoaErrorDomain Code=4 …`): an error
/// that reaches `main` from Foundation is told as one sentence naming the file and the system's reason. Inputs and
/// outputs are checked where they are read and written; this only catches what those checks missed.
struct PlainError: Error, CustomStringConvertible {
    let description: String

    /// A sentence for a Foundation error, or nil when `error` is not one (it is then printed as it is).
    init?(_ error: any Error) {
        if let cocoa = error as? CocoaError {
            let path = cocoa.filePath ?? cocoa.url?.path
            let reason = Self.reason(of: cocoa.underlying) ?? Self.reason(of: cocoa.code)
            let verb = cocoa.isFileError && cocoa.code.rawValue >= CocoaError.fileWriteUnknown.rawValue ? "write" : "read"
            description = path.map { "cannot \(verb) \($0): \(reason)" } ?? "file error: \(reason)"
        } else if let posix = error as? POSIXError {
            description = String(cString: strerror(posix.code.rawValue))
        } else if type(of: error) == NSError.self {
            let error = error as NSError
            let path = error.userInfo[NSFilePathErrorKey] as? String
            let reason = Self.reason(of: error.userInfo[NSUnderlyingErrorKey] as? any Error) ?? error.localizedDescription
            description = path.map { "\($0): \(reason)" } ?? reason
        } else {
            return nil
        }
    }

    private static func reason(of underlying: (any Error)?) -> String? {
        guard let underlying else { return nil }
        if let posix = underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let error = underlying as NSError
        return error.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(error.code))) : nil
    }

    private static func reason(of code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileReadNoPermission, .fileWriteNoPermission: return String(cString: strerror(EACCES))
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
        case .fileReadInapplicableStringEncoding: return "the file is not valid UTF-8 text"
        case .fileReadTooLarge: return "the file is too large"
        case .fileWriteFileExists: return String(cString: strerror(EEXIST))
        default: return "a file operation failed (code \(code.rawValue))"
        }
    }
}
