/// Everything that can go wrong while reading task data, building features or scoring outputs.
///
/// Each case names the file and the place in it (a line, a column, a JSON field or a question id) and says
/// what was expected, so the message alone tells a user what to fix.
public enum TaskDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// The file could not be written.
    case unwritableFile(path: String, reason: String)
    /// The file holds no examples (no rows, no sentences, no questions).
    case emptyFile(path: String)
    /// Every example was skipped (`count` of them); `first` says where and why the first was.
    case everyExampleSkipped(path: String, count: Int, first: String)
    /// A row or line does not have the expected shape (lines are numbered from 1).
    case malformedRow(path: String, line: Int, reason: String)
    /// A label that is not in the task's label list.
    case unknownLabel(path: String, line: Int, label: String, known: [String])
    /// A text field that must hold text is empty.
    case emptyText(path: String, line: Int, field: String)
    /// A named column is not in the file's header.
    case missingColumn(path: String, column: String, header: [String])
    /// A JSON document is not valid JSON, or a field is missing or of the wrong type. `location` is a field path
    /// such as `data[0].paragraphs[2].qas[1].id`, or a line and column for a syntax error.
    case malformedJSON(path: String, location: String, reason: String)
    /// A SQuAD question that cannot be used as asked (for example a training question without exactly one answer).
    case invalidQuestion(path: String, questionID: String, reason: String)
    /// A setting is out of range or inconsistent with the data.
    case invalidSetting(name: String, expected: String)
    /// Model outputs that do not fit the features they are said to belong to.
    case outputMismatch(expected: String, got: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): \(reason)"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write file (\(reason))"
        case let .emptyFile(path):
            return "\(path): the file holds no examples"
        case let .everyExampleSkipped(path, count, first):
            return "\(path): no usable examples: all \(count) were skipped; the first, \(first)"
        case let .malformedRow(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .unknownLabel(path, line, label, known):
            return "\(path):\(line): unknown label '\(label)' (expected one of: \(known.joined(separator: ", ")))"
        case let .emptyText(path, line, field):
            return "\(path):\(line): the \(field) is empty"
        case let .missingColumn(path, column, header):
            return "\(path): no column '\(column)' in the header (columns: \(header.joined(separator: ", ")))"
        case let .malformedJSON(path, location, reason):
            return "\(path): \(location): \(reason)"
        case let .invalidQuestion(path, questionID, reason):
            return "\(path): question \(questionID): \(reason)"
        case let .invalidSetting(name, expected):
            // A flag is named as the user typed it; other settings as task settings.
            return name.hasPrefix("--") ? "\(name): expected \(expected)" : "task setting \(name): expected \(expected)"
        case let .outputMismatch(expected, got):
            return "model outputs do not match the features: expected \(expected), got \(got)"
        }
    }
}
