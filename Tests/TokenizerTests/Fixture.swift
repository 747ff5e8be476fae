import Foundation
import Tokenizer
import XCTest

/// Reading the reference fixtures written by Tools/reference/make_tokenizer_fixtures.py.
enum Fixture {
    /// The fixtures folder inside the test bundle.
    static func url(_ name: String) throws -> URL {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures missing from the test bundle")
        return folder.appendingPathComponent(name)
    }

    /// The tab-separated fields of every line of a fixture (lines starting with "#" skipped).
    static func rows(_ name: String) throws -> [[String]] {
        let data = try Data(contentsOf: try url(name))
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line -> [String]? in
            guard line.first != UInt8(ascii: "#") else { return nil }
            return line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Undoes the script's escaping: `\\` is a backslash, `\u{hex}` a code point.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var result = String.UnicodeScalarView()
        var scalars = field.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            switch scalars.next() {
            case "\\": result.append("\\")
            case "u":
                _ = scalars.next()  // "{"
                var hex = ""
                while let digit = scalars.next(), digit != "}" { hex.unicodeScalars.append(digit) }
                if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) { result.append(decoded) }
            case let other?: result.append("\\"); result.append(other)
            case nil: result.append("\\")
            }
        }
        return String(result)
    }

    /// Space-separated integers.
    static func ids(_ field: String) -> [Int32] {
        field.split(separator: " ").compactMap { Int32($0) }
    }

    /// Space-separated escaped tokens.
    static func tokens(_ field: String) -> [String] {
        field.split(separator: " ").map { unescape(String($0)) }
    }

    /// The input of a case: escaped text, or "bytes:HEX" decoded the way the CLI decodes input.
    static func input(_ field: String) -> String {
        guard field.hasPrefix("bytes:") else { return unescape(field) }
        let hex = Array(field.utf8.dropFirst(6))
        let bytes = stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16) }
        return WordPieceTokenizer.decodeUTF8(bytes)
    }
}
