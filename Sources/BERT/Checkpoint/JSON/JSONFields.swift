/// Typed access to the members of one JSON object, with errors that name the file and the field.
struct JSONFields {
    let members: [String: JSONValue]
    let file: String
    /// Prefix for field names in messages, e.g. `tensor 'x'` → "tensor 'x' field 'dtype'".
    let context: String?
    /// The error kind for a missing required member.
    let missingKind: CheckpointError.Kind

    init(_ value: JSONValue, file: String, context: String? = nil, missingKind: CheckpointError.Kind = .invalidConfig) throws {
        guard case .object(let members) = value else {
            throw CheckpointError(.invalidJSON, file: file, subject: context,
                                  "expected a JSON object, found \(value.typeName)")
        }
        self.members = members
        self.file = file
        self.context = context
        self.missingKind = missingKind
    }

    func subject(_ key: String) -> String {
        context.map { "\($0) field '\(key)'" } ?? "field '\(key)'"
    }

    func has(_ key: String) -> Bool {
        if case .some(.null) = members[key] { return false }
        return members[key] != nil
    }

    func fail(_ key: String, _ message: String, kind: CheckpointError.Kind = .invalidJSON) -> CheckpointError {
        CheckpointError(kind, file: file, subject: subject(key), message)
    }

    private func required(_ key: String) throws -> JSONValue {
        guard let value = members[key], value != .null else {
            throw fail(key, "missing (required)", kind: missingKind)
        }
        return value
    }

    func int(_ key: String) throws -> Int {
        let value = try required(key)
        guard case .integer(let number) = value, let result = Int(exactly: number) else {
            throw fail(key, "expected an integer, found \(value.typeName)")
        }
        return result
    }

    func optionalInt(_ key: String) throws -> Int? {
        has(key) ? try int(key) : nil
    }

    func double(_ key: String) throws -> Double {
        let value = try required(key)
        switch value {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        default: throw fail(key, "expected a number, found \(value.typeName)")
        }
    }

    func optionalDouble(_ key: String) throws -> Double? {
        has(key) ? try double(key) : nil
    }

    func string(_ key: String) throws -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw fail(key, "expected a string, found \(value.typeName)") }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard has(key), let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw fail(key, "expected true or false, found \(value.typeName)") }
        return flag
    }

    /// A list of integers (shapes, offsets).
    func ints(_ key: String) throws -> [Int] {
        let value = try required(key)
        guard case .array(let items) = value else { throw fail(key, "expected an array of integers, found \(value.typeName)") }
        return try items.map { item in
            guard case .integer(let number) = item, let result = Int(exactly: number) else {
                throw fail(key, "expected an array of integers, found an element that is \(item.typeName)")
            }
            return result
        }
    }
}
