import Files
import Foundation

/// A WordPiece vocabulary: one token per line, id = line number − 1.
///
/// Duplicate lines keep their own ids for ``token(for:)``, while looking a token up gives its **last** line, as
/// both references do (they fill a dictionary line by line). ``count`` is the number of lines, so every id is
/// below it.
public struct Vocabulary: Sendable {
    /// Every token, indexed by id.
    public let tokens: [String]
    let table: VocabularyTable

    /// A vocabulary from tokens in id order.
    public init(tokens: [String]) {
        self.tokens = tokens
        self.table = VocabularyTable(tokens: tokens)
    }

    /// Reads a vocabulary file, splitting and trimming lines the way the chosen reference does.
    ///
    /// - HuggingFace: lines end at `\n`, `\r\n` or `\r` (Python's universal newlines); nothing else is removed,
    ///   so a token may end in a space.
    /// - Google: lines end at `\n`; whitespace around each token (Python's `str.strip()`) is removed.
    ///
    /// - Throws: ``TokenizerError`` naming the file (and line) when it cannot be read, is empty or is not UTF-8.
    public init(contentsOfFile path: String, compatibility: TokenizerConfiguration.Compatibility) throws {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.readText(path)
        } catch let error as InputFileError {
            throw TokenizerError.unreadableFile(path: path, reason: error.reason)
        }
        let lines = try Self.splitLines(bytes, path: path, compatibility: compatibility)
        guard !lines.isEmpty else { throw TokenizerError.emptyVocabulary(path: path) }
        self.init(tokens: lines)
    }

    /// The number of lines (one more than the largest id).
    public var count: Int { tokens.count }

    /// The id of `token` (its last line), or `nil`.
    public func id(of token: String) -> Int? {
        var token = token
        let id = token.withUTF8 { table.find($0) }
        return id >= 0 ? Int(id) : nil
    }

    /// The token of `id`, or `nil` when the id is out of range.
    public func token(for id: Int) -> String? {
        tokens.indices.contains(id) ? tokens[id] : nil
    }

    private static func splitLines(_ bytes: [UInt8], path: String,
                                   compatibility: TokenizerConfiguration.Compatibility) throws -> [String] {
        var lines: [String] = []
        var start = 0
        var index = 0
        func finish(_ end: Int) throws {
            guard let line = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw TokenizerError.invalidUTF8(path: path, line: lines.count + 1)
            }
            switch compatibility {
            case .huggingFace: lines.append(line)
            case .google: lines.append(PythonWhitespace.strip(line))
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && compatibility == .huggingFace) {
                try finish(index)
                index += (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { try finish(bytes.count) }
        return lines
    }
}

/// Python's notion of whitespace (`str.isspace`, used by `str.split()` and `str.strip()` in both references).
enum PythonWhitespace {
    /// Whether Python's `str.isspace()` is true for the scalar.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0x2028, 0x2029: return true
        case 0..<0x80: return false
        default: return scalar.properties.generalCategory == .spaceSeparator
        }
    }

    /// `str.strip()`: the string without leading and trailing Python whitespace.
    static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
