import Files
import Foundation

// The parameters file: JSON, written atomically, read with an error naming the file, the field and what was
// expected for anything out of place.
//
//     {
//       "format": "swiftbert-clblast-parameters", "version": 1, "precision": 32,
//       "device": { "name": "…", "vendor": "…", "driverVersion": "…" },
//       "kernels": { "Xgemm": { "GEMMK": 0, "KWG": 32, … }, "XgemmDirect": { … }, "GemmRoutine": { … } },
//       "tuning": { "date": "…", "baselineSeconds": 1.9, "tunedSeconds": 1.1, … }      (optional)
//     }

extension CLBlastParameters {
    /// The value of the file's `format` field.
    public static let fileFormat = "swiftbert-clblast-parameters"
    /// The file layout this build reads and writes.
    public static let fileVersion = 1

    /// Reads a parameters file.
    public static func load(contentsOf path: String) throws -> CLBlastParameters {
        let data: Data
        do {
            data = Data(try InputFile.read(path))
        } catch let error as InputFileError {
            throw CLBlastParametersError.io(file: path, reason: error.reason)
        }
        return try parse(data, file: path)
    }

    /// Parses the JSON of a parameters file; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> CLBlastParameters {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CLBlastParametersError.invalidField(file: file, field: "", expected: "a JSON object",
                                                      found: "text that is not valid JSON")
        }
        let json = JSONFields(file: file)
        let top = try json.object(root, "")
        let format = try json.string(top["format"], "format")
        guard format == fileFormat else {
            throw json.error("format", expected: "\"\(fileFormat)\"", found: top["format"])
        }
        guard try json.integer(top["version"], "version") == fileVersion else {
            throw json.error("version", expected: "\(fileVersion) (the only version this build reads)", found: top["version"])
        }
        guard try json.integer(top["precision"], "precision") == Int(singlePrecision) else {
            throw json.error("precision", expected: "32 (single precision, the only one bert uses)", found: top["precision"])
        }
        let deviceFields = try json.object(top["device"], "device")
        let device = DeviceIdentity(name: try json.string(deviceFields["name"], "device.name", nonEmpty: true),
                                    vendor: try json.string(deviceFields["vendor"], "device.vendor"),
                                    driverVersion: try json.string(deviceFields["driverVersion"], "device.driverVersion"))
        let kernelFields = try json.object(top["kernels"], "kernels")
        guard !kernelFields.isEmpty else {
            throw json.error("kernels", expected: "at least one kernel", found: top["kernels"])
        }
        var kernels: [String: [String: Int]] = [:]
        for (kernel, value) in kernelFields {
            let parameters = try json.object(value, "kernels.\(kernel)")
            guard !parameters.isEmpty else {
                throw json.error("kernels.\(kernel)", expected: "the kernel's parameters", found: value)
            }
            var values: [String: Int] = [:]
            for (name, number) in parameters {
                values[name] = try json.integer(number, "kernels.\(kernel).\(name)", minimum: 0)
            }
            kernels[kernel] = values
        }
        let tuning = try top["tuning"].map { try tuningRecord($0, json) }
        return CLBlastParameters(device: device, kernels: kernels, tuning: tuning)
    }

    /// The file's JSON (keys sorted, indented).
    public func jsonData() throws -> Data {
        let file = FileLayout(format: Self.fileFormat, version: Self.fileVersion, precision: Int(Self.singlePrecision),
                              device: device, kernels: kernels, tuning: tuning)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(file)
    }

    /// Writes the file atomically (a reader sees the old file or the new one), creating its folder.
    public func write(to path: String) throws {
        do {
            try AtomicFile.write(try jsonData() + Data("\n".utf8), to: path)
        } catch let error as AtomicFileError {
            throw CLBlastParametersError.io(file: path, reason: error.description)
        }
    }

    private static func tuningRecord(_ value: Any, _ json: JSONFields) throws -> CLBlastTuningRecord {
        let fields = try json.object(value, "tuning")
        let workload = try json.array(fields["workload"], "tuning.workload").enumerated().map { index, line in
            try json.string(line, "tuning.workload[\(index)]")
        }
        return CLBlastTuningRecord(
            date: try json.string(fields["date"], "tuning.date"),
            workload: workload,
            baselineSeconds: try json.number(fields["baselineSeconds"], "tuning.baselineSeconds"),
            tunedSeconds: try json.number(fields["tunedSeconds"], "tuning.tunedSeconds"),
            configurationsMeasured: try json.integer(fields["configurationsMeasured"], "tuning.configurationsMeasured", minimum: 0),
            configurationsRejected: try json.integer(fields["configurationsRejected"], "tuning.configurationsRejected", minimum: 0),
            elapsedSeconds: try json.number(fields["elapsedSeconds"], "tuning.elapsedSeconds"))
    }

    /// The file as written (field order is irrelevant: keys are sorted).
    private struct FileLayout: Encodable {
        var format: String
        var version: Int
        var precision: Int
        var device: DeviceIdentity
        var kernels: [String: [String: Int]]
        var tuning: CLBlastTuningRecord?
    }
}

/// Typed access to JSONSerialization's output that throws `invalidField` naming the field, what was expected
/// and what was found.
private struct JSONFields {
    let file: String

    func error(_ field: String, expected: String, found value: Any?) -> CLBlastParametersError {
        .invalidField(file: file, field: field, expected: expected, found: Self.describe(value))
    }

    func object(_ value: Any?, _ field: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else { throw error(field, expected: "an object", found: value) }
        return object
    }

    func array(_ value: Any?, _ field: String) throws -> [Any] {
        guard let array = value as? [Any] else { throw error(field, expected: "an array", found: value) }
        return array
    }

    func string(_ value: Any?, _ field: String, nonEmpty: Bool = false) throws -> String {
        guard let text = value as? String, !(nonEmpty && text.isEmpty) else {
            throw error(field, expected: nonEmpty ? "a non-empty string" : "a string", found: value)
        }
        return text
    }

    func number(_ value: Any?, _ field: String) throws -> Double {
        guard let number = value as? NSNumber, !Self.isBoolean(number), number.doubleValue.isFinite else {
            throw error(field, expected: "a number", found: value)
        }
        return number.doubleValue
    }

    func integer(_ value: Any?, _ field: String, minimum: Int = .min) throws -> Int {
        let expected = minimum == 0 ? "a whole number ≥ 0" : "a whole number"
        guard let number = value as? NSNumber, !Self.isBoolean(number) else {
            throw error(field, expected: expected, found: value)
        }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 9e15, Int(double) >= minimum else {
            throw error(field, expected: expected, found: value)
        }
        return Int(double)
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// A short description of a JSON value for messages.
    static func describe(_ value: Any?) -> String {
        switch value {
        case nil: return "nothing (the field is missing)"
        case is NSNull: return "null"
        case let text as String:
            return "the string \"\(text.count > 60 ? text.prefix(57) + "…" : text)\""
        case let number as NSNumber:
            return isBoolean(number) ? (number.boolValue ? "true" : "false") : "the number \(number)"
        case let array as [Any]: return "an array of \(array.count) elements"
        case is [String: Any]: return "an object"
        default: return "an unexpected value"
        }
    }
}
