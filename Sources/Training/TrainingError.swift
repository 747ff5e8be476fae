/// Why training stopped or could not start; each message names the step, tensor, file or setting.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidSetting(String)
    case nonFinite(step: Int, what: String, checkpoint: String?)
    case resume(String)
    case data(String)
    /// A checkpoint or the model could not be written; `reason` names the file and the system's reason.
    case write(what: String, reason: String, lastCheckpoint: String?)

    public var description: String {
        switch self {
        case .invalidSetting(let message): return message
        case let .nonFinite(step, what, checkpoint):
            return "training stopped at step \(step): \(what) is NaN or infinite. "
                + (checkpoint.map { "The last good checkpoint is \($0)." } ?? "No checkpoint had been written yet.")
                + " Try a lower --learning-rate."
        case .resume(let message): return "cannot resume: \(message)"
        case .data(let message): return message
        case let .write(what, reason, lastCheckpoint):
            return "cannot write \(what): \(reason)"
                + (lastCheckpoint.map { " (the last good checkpoint, \($0), is intact)" } ?? "")
        }
    }
}
