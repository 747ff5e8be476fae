import Files
import Foundation

/// A JSON document as a value: what SwiftBERT reads from config files and safetensors headers, and the
/// opaque part of `trainer_state.json`.
///
/// Integers are kept apart from other numbers (`.integer`), so 64-bit counters and offsets round-trip exactly;
/// values that need all 64 unsigned bits (RNG states) should be stored as strings.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses a JSON document; the error names `file` and says where the text stops being JSON.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as DecodingError {
            throw CheckpointError(.invalidJSON, file: file, "not valid JSON: \(Self.explain(error))")
        } catch {
            throw CheckpointError(.invalidJSON, file: file, "not valid JSON: \(error)")
        }
    }

    /// Reads and parses a JSON file.
    public static func read(contentsOf path: String) throws -> JSONValue {
        try parse(try FileBytes.read(path), file: path)
    }

    /// The JSON type's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return context.debugDescription + underlying
        @unknown default:
            return "\(error)"
        }
    }
}

/// Reading whole small files (configs, vocabularies) with errors that name the file.
enum FileBytes {
    static func read(_ path: String) throws -> Data {
        do {
            return Data(try InputFile.read(path))
        } catch let error as InputFileError {
            throw CheckpointError(error.isMissing ? .notFound : .io, file: path, error.reason)
        }
    }
}
