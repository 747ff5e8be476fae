/// Why an MPI operation failed or could not start; each message names the call or the missing piece.
public enum MPIError: Error, CustomStringConvertible, Equatable {
    /// This build has no MPI (no `ompi.pc` / `mpich.pc` was found at build time, or SWIFTBERT_MPI=off).
    case unavailable(String)
    /// An MPI call returned an error code (the communicator reports errors instead of aborting).
    case call(String, code: Int32, message: String)
    /// The communicator was used wrongly (a bad root, a second initialization, a use after finalize).
    case usage(String)

    public var description: String {
        switch self {
        case .unavailable(let why): return "MPI is unavailable: \(why)"
        case let .call(name, code, message): return "\(name) failed (MPI error \(code)): \(message)"
        case .usage(let message): return message
        }
    }
}
