#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if SWIFTBERT_MPI
import CMPI
#endif

/// A typed MPI communicator over all processes of an `mpirun` job (MPI_COMM_WORLD): rank and size, sum
/// all-reduce, broadcast and barrier on host arrays. Errors are returned, not fatal (MPI_ERRORS_RETURN is set on
/// the communicator), and become `MPIError`s naming the call. Without MPI compiled in, `world(environment:)`
/// returns nil outside `mpirun` and throws `MPIError.unavailable` under it.
///
/// MPI allows one initialization per process: create the world once (the command line does) and `finalize()` it
/// before the process exits, or `abort` the whole job on an error so no rank waits forever.
public final class Communicator {
    /// This process's rank, 0 ..< size.
    public let rank: Int
    /// Processes in the communicator.
    public let size: Int
    #if SWIFTBERT_MPI
    private let handle: MPI_Comm
    #endif
    private var finalized = false

    /// True when this build has MPI.
    public static var isAvailable: Bool {
        #if SWIFTBERT_MPI
        return true
        #else
        return false
        #endif
    }

    /// The world communicator when `environment` says a launcher started this process (MPI is then initialized),
    /// nil otherwise (a single process: MPI is never touched). Throws `MPIError.unavailable` under a launcher when
    /// this build has no MPI.
    public static func world(environment: LaunchEnvironment) throws -> Communicator? {
        guard environment.isLaunchedByMPI else { return nil }
        #if SWIFTBERT_MPI
        return try Communicator(initializingWorld: ())
        #else
        throw MPIError.unavailable("this bert was built without MPI (install libopenmpi-dev or libmpich-dev and rebuild), "
            + "but it was started by mpirun with \(environment.worldSize) processes")
        #endif
    }

    #if SWIFTBERT_MPI
    private init(initializingWorld: Void) throws {
        var flag: Int32 = 0
        try Self.check(MPI_Initialized(&flag), "MPI_Initialized")
        guard flag == 0 else { throw MPIError.usage("MPI is already initialized in this process; create the world communicator once") }
        var provided: Int32 = 0
        try Self.check(MPI_Init_thread(nil, nil, sb_thread_funneled(), &provided), "MPI_Init_thread")
        handle = sb_comm_world()
        try Self.check(MPI_Comm_set_errhandler(handle, sb_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try Self.check(MPI_Comm_rank(handle, &rank), "MPI_Comm_rank")
        try Self.check(MPI_Comm_size(handle, &size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Turns an MPI return code into an `MPIError` with MPI's own message.
    private static func check(_ code: Int32, _ name: String) throws {
        guard code != sb_success() else { return }
        var buffer = [CChar](repeating: 0, count: Int(sb_max_error_string()) + 1)
        var length: Int32 = 0
        let message = MPI_Error_string(code, &buffer, &length) == sb_success()
            ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown error"
        throw MPIError.call(name, code: code, message: message)
    }
    #else
    /// Without MPI no communicator is ever made (`world` returns nil or throws); this keeps the type complete.
    private init() {
        rank = 0
        size = 1
    }
    #endif

    /// Largest element count of one MPI call (its counts are 32-bit); longer arrays go in pieces.
    static let maxCount = 1 << 30

    private func checkOpen(_ what: String) throws {
        guard !finalized else { throw MPIError.usage("\(what) after MPI_Finalize") }
    }

    /// Replaces `values` on every rank by their elementwise sum over all ranks (every rank passes the same count).
    public func allReduceSum(_ values: inout [Float]) throws { try allReduceSum(&values, typeName: "floats") }

    /// Replaces `values` on every rank by their elementwise sum over all ranks (every rank passes the same count).
    public func allReduceSum(_ values: inout [Double]) throws { try allReduceSum(&values, typeName: "doubles") }

    /// In-place SUM all-reduce of Float or Double values, in calls of at most `maxCount` elements.
    private func allReduceSum<T: BinaryFloatingPoint>(_ values: inout [T], typeName: String) throws {
        try checkOpen("all-reduce")
        #if SWIFTBERT_MPI
        let type = T.self == Double.self ? sb_double() : sb_float()
        try values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let count = min(Self.maxCount, buffer.count - start)
                try Self.check(MPI_Allreduce(sb_in_place(), buffer.baseAddress! + start, Int32(count), type, sb_sum(), handle),
                               "MPI_Allreduce of \(count) \(typeName)")
                start += count
            }
        }
        #endif
    }

    /// Copies `values` of rank `root` into `values` on every rank (every rank passes the same count).
    public func broadcast(_ values: inout [Float], root: Int = 0) throws {
        try checkOpen("broadcast")
        guard (0..<size).contains(root) else { throw MPIError.usage("broadcast root \(root) is not a rank of \(size)") }
        #if SWIFTBERT_MPI
        try values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let count = min(Self.maxCount, buffer.count - start)
                try Self.check(MPI_Bcast(buffer.baseAddress! + start, Int32(count), sb_float(), Int32(root), handle),
                               "MPI_Bcast of \(count) floats")
                start += count
            }
        }
        #endif
    }

    /// Waits until every rank has called it.
    public func barrier() throws {
        try checkOpen("barrier")
        #if SWIFTBERT_MPI
        try Self.check(MPI_Barrier(handle), "MPI_Barrier")
        #endif
    }

    /// Ends the whole job (every rank) with `code`: what a rank does when it cannot go on, so the others do not
    /// wait for it forever.
    public func abort(code: Int32 = 1) -> Never {
        #if SWIFTBERT_MPI
        _ = MPI_Abort(handle, code)
        #endif
        exit(code)
    }

    /// Shuts MPI down (collectively: every rank calls it once, at the end).
    public func finalize() throws {
        try checkOpen("finalize")
        finalized = true
        #if SWIFTBERT_MPI
        try Self.check(MPI_Finalize(), "MPI_Finalize")
        #endif
    }
}
