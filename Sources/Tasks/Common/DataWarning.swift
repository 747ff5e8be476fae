/// Where in a data file something was found.
public enum DataLocation: Sendable, Equatable, CustomStringConvertible {
    /// A line, numbered from 1.
    case line(Int)
    /// A SQuAD question, by its id.
    case question(String)
    /// A SQuAD paragraph, by its JSON path.
    case field(String)

    public var description: String {
        switch self {
        case .line(let line): return "\(line)"
        case .question(let id): return "question \(id)"
        case .field(let path): return path
        }
    }
}

/// Something in the data that was skipped or repaired rather than stopping the run; the data set counts them
/// and the caller reports them.
public struct DataWarning: Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// Where in the file.
    public var location: DataLocation
    /// What was wrong and what was done about it.
    public var message: String

    public init(path: String, location: DataLocation, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    public var description: String { "\(path):\(location): \(message)" }
}

/// What to do with a row that cannot be used (wrong column count, unknown label, empty text, bad tag).
public enum BadRowPolicy: Sendable, Equatable {
    /// Stop with a ``TaskDataError`` naming the file and line (the default).
    case fail
    /// Skip the row (for CoNLL: the sentence) and record a ``DataWarning`` naming the file and line.
    case skip
}

/// Collects warnings and applies a ``BadRowPolicy``.
struct WarningLog {
    let policy: BadRowPolicy
    private(set) var warnings: [DataWarning] = []

    init(policy: BadRowPolicy) {
        self.policy = policy
    }

    /// Throws `error` under `.fail`; records it as a warning at `line` of `path` under `.skip`.
    mutating func reject(_ error: TaskDataError, path: String, line: Int) throws {
        guard policy == .skip else { throw error }
        warnings.append(DataWarning(path: path, location: .line(line), message: "skipped: \(error.description)"))
    }

    /// Records a warning that does not depend on the policy.
    mutating func note(_ warning: DataWarning) {
        warnings.append(warning)
    }
}
