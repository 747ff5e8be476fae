/// Everything that can go wrong while generating or reading pre-training data. Each message names the file
/// (and line or field) and says what was expected.
public enum PretrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting is out of range.
    case invalidSetting(name: String, value: String, expected: String)
    /// The vocabulary lacks a token the data needs.
    case missingToken(vocabulary: String, token: String, role: String)
    /// An input path or pattern names nothing.
    case missingInput(path: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A line of an input text file is not valid UTF-8 (lines are numbered from 1).
    case invalidUTF8(path: String, line: Int)
    /// The input holds no document with any token.
    case emptyCorpus(paths: [String])
    /// A shard file is not a pre-training shard, is of another version, is truncated or is corrupt.
    case invalidShard(path: String, reason: String)
    /// Shards that disagree on a dimension.
    case mismatchedShards(path: String, field: String, expected: Int, found: Int)
    /// An instance index outside the dataset.
    case indexOutOfRange(index: Int, count: Int)
    /// The output folder already holds shards of an earlier run.
    case outputNotEmpty(path: String)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, expected):
            return "\(name) is \(value); expected \(expected)"
        case let .missingToken(vocabulary, token, role):
            return "\(vocabulary): the vocabulary has no \(role) '\(token)'"
        case let .missingInput(path):
            return "\(path): no such file (or the pattern matches no file)"
        case let .unreadableFile(path, reason):
            return "\(path): \(reason)"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write file (\(reason))"
        case let .invalidUTF8(path, line):
            return "\(path):\(line): the line is not valid UTF-8"
        case let .emptyCorpus(paths):
            return "\(paths.joined(separator: ", ")): no document with any token (expected one sentence per line, blank lines between documents)"
        case let .invalidShard(path, reason):
            return "\(path): not a valid pre-training shard: \(reason)"
        case let .mismatchedShards(path, field, expected, found):
            return "\(path): \(field) is \(found) but earlier shards have \(expected)"
        case let .indexOutOfRange(index, count):
            return "instance index \(index) is outside 0..<\(count)"
        case let .outputNotEmpty(path):
            return "\(path): the folder already holds .sbpt shards; choose an empty folder or remove them"
        }
    }
}
