/// Everything that can go wrong while loading a vocabulary or a tokenizer configuration.
///
/// Each case names the file (and, where it applies, the line or JSON field) and says what was expected, so the
/// message alone tells a user what to fix.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// A model directory has no `vocab.txt`.
    case missingVocabulary(directory: String)
    /// The vocabulary file has no lines.
    case emptyVocabulary(path: String)
    /// A vocabulary line is not valid UTF-8 (lines are numbered from 1).
    case invalidUTF8(path: String, line: Int)
    /// A token the tokenizer needs (the unknown, classifier, separator or padding token, or a configured special
    /// or added token) is not in the vocabulary.
    case missingToken(path: String, token: String, role: String)
    /// A configuration file is not valid JSON, or a field has the wrong type.
    case malformedConfiguration(path: String, field: String, expected: String)
    /// A configuration field asks for behaviour this tokenizer does not implement.
    case unsupportedConfiguration(path: String, field: String, reason: String)
    /// A programmatic setting is out of range.
    case invalidSetting(name: String, expected: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): \(reason)"
        case let .missingVocabulary(directory):
            return "\(directory): no vocab.txt in this model directory (expected one token per line)"
        case let .emptyVocabulary(path):
            return "\(path): the vocabulary is empty (expected one token per line, id = line number - 1)"
        case let .invalidUTF8(path, line):
            return "\(path):\(line): the line is not valid UTF-8"
        case let .missingToken(path, token, role):
            return "\(path): the vocabulary has no line '\(token)' (the \(role))"
        case let .malformedConfiguration(path, field, expected):
            return "\(path): field '\(field)': expected \(expected)"
        case let .unsupportedConfiguration(path, field, reason):
            return "\(path): field '\(field)': \(reason)"
        case let .invalidSetting(name, expected):
            return "tokenizer setting \(name): expected \(expected)"
        }
    }
}
