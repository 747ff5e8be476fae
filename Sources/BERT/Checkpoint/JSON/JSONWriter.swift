import Foundation

/// Writes `JSONValue`s deterministically: object keys sorted by code point, two-space indentation (or none),
/// numbers in Swift's shortest round-trip form — the layout of Python's `json.dumps(indent=2, sort_keys=True)`,
/// which is how transformers writes config.json.
enum JSONWriter {
    /// Pretty-printed text with a trailing newline.
    static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, pretty: true, into: &out)
        return out + "\n"
    }

    /// Text without any whitespace.
    static func compact(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, pretty: false, into: &out)
        return out
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func write(_ value: JSONValue, indent: Int, pretty: Bool, into out: inout String) {
        let pad = pretty ? String(repeating: " ", count: indent + 2) : ""
        let closePad = pretty ? String(repeating: " ", count: indent) : ""
        let newline = pretty ? "\n" : ""
        let separator = pretty ? ": " : ":"
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let number): out += String(number)
        case .number(let number): out += number.isFinite ? "\(number)" : "null"
        case .string(let text): out += quoted(text)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, pretty: pretty, into: &out)
                out += (i == items.count - 1 ? "" : ",") + newline
            }
            out += closePad + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            out += "{" + newline
            for (i, key) in keys.enumerated() {
                out += pad + quoted(key) + separator
                if let member = members[key] { write(member, indent: indent + 2, pretty: pretty, into: &out) }
                out += (i == keys.count - 1 ? "" : ",") + newline
            }
            out += closePad + "}"
        }
    }
}
