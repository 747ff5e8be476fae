import Files
import Foundation

/// A document as read: its non-blank lines, stripped as Python's `str.strip()` strips them.
public typealias RawDocument = [String]

/// Reads Google's input format as a stream: one sentence per line, blank (whitespace-only) lines between
/// documents, several files read one after the other as one text — as `create_training_instances` reads them,
/// a document runs on into the next file unless a blank line ends it. Lines end at `\n`, `\r\n` or `\r`
/// (Python's universal newlines). Files are read in blocks, so memory holds one group of documents, not the
/// corpus.
public struct PretrainingCorpusReader {
    private let files: [String]
    private var fileIndex = 0
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var lineNumber = 0
    private var atEndOfFile = false
    private var pending: RawDocument = []
    private static let blockSize = 1 << 22

    /// A reader over files in order.
    public init(files: [String]) {
        self.files = files
    }

    /// The next group of at most `limit` documents with at least one non-blank line; `nil` at the end.
    ///
    /// - Throws: ``PretrainingError`` naming the file (and line) for an unreadable file or invalid UTF-8.
    public mutating func nextGroup(limit: Int) throws -> [RawDocument]? {
        var group: [RawDocument] = []
        while group.count < limit, let line = try nextLine() {
            if line.allSatisfy(PythonText.isSpace) {
                if !pending.isEmpty { group.append(pending); pending = [] }
            } else {
                pending.append(Self.strip(line))
            }
        }
        if group.count < limit, !pending.isEmpty {
            group.append(pending)
            pending = []
        }
        return group.isEmpty ? nil : group
    }

    /// `str.strip()`.
    private static func strip(_ line: Substring.UnicodeScalarView) -> String {
        guard let first = line.firstIndex(where: { !PythonText.isSpace($0) }),
              let last = line.lastIndex(where: { !PythonText.isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(line[first...last]))
    }

    /// The next line's scalars across all files, or `nil` after the last file.
    private mutating func nextLine() throws -> Substring.UnicodeScalarView? {
        while fileIndex < files.count {
            if handle == nil { try open() }
            if let line = try lineInCurrentFile() { return line }
            try? handle?.close()
            handle = nil
            fileIndex += 1
        }
        return nil
    }

    private mutating func open() throws {
        let path = files[fileIndex]
        do {
            handle = FileHandle(fileDescriptor: try InputFile.open(path).descriptor, closeOnDealloc: true)
        } catch let error as InputFileError {
            throw PretrainingError.unreadableFile(path: path, reason: error.reason)
        }
        buffer = []
        position = 0
        lineNumber = 0
        atEndOfFile = false
    }

    private mutating func lineInCurrentFile() throws -> Substring.UnicodeScalarView? {
        // TensorFlow's readline (tf.gfile, which Google's script reads with): lines end at \n only and every \r
        // is dropped, so "a\rb" is one line "ab" and \r\n ends a line.
        while true {
            if let end = buffer[position...].firstIndex(of: 0x0A) {
                let bytes = buffer[position..<end]
                position = end + 1
                return try decode(bytes)
            }
            if atEndOfFile {
                guard position < buffer.count else { return nil }
                let bytes = buffer[position...]
                position = buffer.count
                return try decode(bytes)
            }
            try refill()
        }
    }

    private mutating func refill() throws {
        let path = files[fileIndex]
        let block: Data?
        do {
            block = try handle?.read(upToCount: Self.blockSize)
        } catch {
            throw PretrainingError.unreadableFile(path: path, reason: "cannot be read")
        }
        buffer.removeSubrange(0..<position)
        position = 0
        if let block, !block.isEmpty { buffer += block } else { atEndOfFile = true }
    }

    private mutating func decode(_ raw: ArraySlice<UInt8>) throws -> Substring.UnicodeScalarView {
        lineNumber += 1
        let bytes = raw.contains(0x0D) ? ArraySlice(raw.filter { $0 != 0x0D }) : raw
        if lineNumber == 1 {
            // Binary input is refused on its first block (`InputFile.checkText`), as git tells binary files.
            do {
                try InputFile.checkText(buffer, path: files[fileIndex])
            } catch let error as InputFileError {
                throw PretrainingError.unreadableFile(path: files[fileIndex], reason: error.reason)
            }
        }
        // A byte-order mark stays (U+FEFF), as in Python's "r" mode; the tokenizer drops it.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PretrainingError.invalidUTF8(path: files[fileIndex], line: lineNumber)
        }
        return Substring(text).unicodeScalars
    }
}
