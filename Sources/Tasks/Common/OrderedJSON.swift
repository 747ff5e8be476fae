import Foundation

/// A JSON value whose objects keep their key order, written the way Python's `json.dumps(value, indent=4)`
/// lays it out (so SQuAD's prediction files list questions in data-set order, as `run_squad.py` writes them).
enum OrderedJSON {
    case string(String)
    case number(Double)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// The document, indented by four spaces per level, ending in a newline.
    var text: String {
        var output = ""
        write(into: &output, indent: 0)
        return output + "\n"
    }

    private func write(into output: inout String, indent: Int) {
        let inner = String(repeating: " ", count: indent + 4), outer = String(repeating: " ", count: indent)
        switch self {
        case .string(let value):
            output += Self.quoted(value)
        case .number(let value):
            output += value.isFinite ? "\(value)" : "null"
        case .array(let values):
            guard !values.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, value) in values.enumerated() {
                output += inner
                value.write(into: &output, indent: indent + 4)
                output += index + 1 < values.count ? ",\n" : "\n"
            }
            output += outer + "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += inner + Self.quoted(key) + ": "
                value.write(into: &output, indent: indent + 4)
                output += index + 1 < members.count ? ",\n" : "\n"
            }
            output += outer + "}"
        }
    }

    /// A JSON string literal; non-ASCII characters are escaped as `\uXXXX` (surrogate pairs above U+FFFF), as
    /// Python's `ensure_ascii` does.
    static func quoted(_ value: String) -> String {
        var output = "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x08: output += "\\b"
            case 0x0C: output += "\\f"
            case 0x20..<0x7F: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: output += String(format: "\\u%04x", unit)
            }
        }
        return output + "\""
    }
}
