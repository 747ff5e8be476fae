/// `--micro-batch-size` (and a `--phase`'s `micro-batch-size`): a fixed number of examples per forward/backward, or
/// `auto`, the largest the memory plan fits in the budget. Parsed, and the batch/micro-batch rule checked, here only.
public enum MicroBatchSize: Equatable, Sendable, CustomStringConvertible {
    case auto
    case fixed(Int)

    /// `text` as given (nil = the flag was not given: micro-batch = batch).
    public init(_ text: String?, batchSize: Int) throws {
        switch text {
        case nil: self = .fixed(batchSize)
        case "auto"?: self = .auto
        case let text?:
            guard let value = Int(text), value > 0 else {
                throw TrainingError.invalidSetting("--micro-batch-size must be auto or a whole number of at least 1, got '\(text)'")
            }
            self = .fixed(value)
        }
    }

    /// The fixed size, nil for `auto`.
    public var fixed: Int? {
        if case .fixed(let value) = self { return value }
        return nil
    }

    public var description: String { fixed.map(String.init) ?? "auto" }

    /// Throws unless `batchSize` is positive and, for a fixed size, a multiple of `ranks` × the micro-batch: every
    /// rank runs whole micro-batches of the same size. `name` says where the settings come from.
    public func check(batchSize: Int, ranks: Int = 1, name: String = "--batch-size") throws {
        guard batchSize > 0 else { throw TrainingError.invalidSetting("\(name) must be positive, got \(batchSize)") }
        guard let micro = fixed else { return }
        guard micro > 0 else { throw TrainingError.invalidSetting("--micro-batch-size must be at least 1, got \(micro)") }
        guard batchSize % (ranks * micro) == 0 else {
            let ranksText = ranks > 1 ? "the ranks (\(ranks)) × " : ""
            throw TrainingError.invalidSetting("\(name) (\(batchSize)) must be a multiple of \(ranksText)--micro-batch-size (\(micro))"
                                               + (ranks > 1 ? " for data-parallel training" : ""))
        }
    }
}
