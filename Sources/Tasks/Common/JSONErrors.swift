import Foundation

/// Decoding JSON files, and turning `JSONDecoder` errors into a place and a reason a user can act on.
enum JSONErrors {
    /// The file at `path` decoded as `T`.
    ///
    /// - Throws: ``TaskDataError/unreadableFile(path:reason:)``, or ``TaskDataError/malformedJSON(path:location:reason:)``
    ///   with the field path of a missing or mistyped field, or the line and column of a syntax error.
    static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data = Data(try TextFile.bytes(at: path))
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            let problem = describe(error, in: data)
            throw TaskDataError.malformedJSON(path: path, location: problem.location, reason: problem.reason)
        }
    }

    /// Where the error is and what is wrong: for a field, its path (`data[0].paragraphs[2].qas[1].id`) and a
    /// missing field or wrong type; for text that is not JSON, the line and column and the parser's message.
    static func describe(_ error: Error, in data: Data) -> (location: String, reason: String) {
        guard let error = error as? DecodingError else { return ("(document)", "\(error)") }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath), "missing field '\(key.stringValue)'")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            guard context.codingPath.isEmpty else { return (path(context.codingPath), context.debugDescription) }
            return syntaxError(in: data)
        @unknown default:
            return ("(document)", "\(error)")
        }
    }

    /// The parser's message for text that is not JSON, placed by line and column when it names a character.
    private static func syntaxError(in data: Data) -> (location: String, reason: String) {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return ("(document)", "not valid JSON")
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
            guard let range = message.range(of: "character "),
                  let offset = Int(message[range.upperBound...].prefix { $0.isNumber }) else { return ("(document)", message) }
            let prefix = data.prefix(offset)
            let line = prefix.filter { $0 == 0x0A }.count + 1
            let column = prefix.count - (prefix.lastIndex(of: 0x0A).map { $0 - prefix.startIndex + 1 } ?? 0) + 1
            return ("line \(line), column \(column)", message)
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        guard !keys.isEmpty else { return "(document)" }
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type: return "a number"
        default: return "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
