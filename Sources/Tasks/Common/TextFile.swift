import Files
import Foundation

/// One line of a text file: its number (from 1) and its bytes without the line break.
struct TextLine {
    let number: Int
    let bytes: ArraySlice<UInt8>

    /// The line as text (invalid UTF-8 becomes U+FFFD, which the tokenizer then drops, as Google's reader does).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the line holds nothing but spaces, tabs or a carriage return.
    var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
}

/// Reading data files: bytes, lines, errors that name the path.
enum TextFile {
    /// The file's bytes, without a leading UTF-8 byte-order mark. Only a regular text file is read: a folder,
    /// FIFO, binary file (a NUL byte) or unreadable path is refused, naming the reason.
    static func bytes(at path: String) throws -> [UInt8] {
        var bytes: [UInt8]
        do {
            bytes = try InputFile.readText(path)
        } catch let error as InputFileError {
            throw TaskDataError.unreadableFile(path: path, reason: error.reason)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes
    }

    /// The lines of `bytes`, split at `\n` with a trailing `\r` removed (so `\r\n` files read like `\n` files).
    static func lines(_ bytes: [UInt8]) -> [TextLine] {
        var lines: [TextLine] = []
        var start = 0
        func finish(_ end: Int) {
            var last = end
            if last > start, bytes[last - 1] == 0x0D { last -= 1 }
            lines.append(TextLine(number: lines.count + 1, bytes: bytes[start..<last]))
        }
        for index in bytes.indices where bytes[index] == 0x0A {
            finish(index)
            start = index + 1
        }
        if start < bytes.count { finish(bytes.count) }
        return lines
    }
}
