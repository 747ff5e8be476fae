import Cluster
import Foundation
import Training

extension Communicator: DataParallel {}

/// Data-parallel runs under `mpirun`: the world communicator when a launcher started this process (MPI is never
/// initialized otherwise), finalized after the body, and the whole job aborted when one rank fails, so the
/// others stop instead of waiting for it in the next all-reduce.
enum DistributedRun {
    /// How this process was launched (from the environment; needs no MPI).
    static var launch: LaunchEnvironment { LaunchEnvironment(environment: ProcessInfo.processInfo.environment) }

    /// Runs `body` with the world communicator (nil in a single process). On an error under mpirun this rank
    /// prints it, naming itself, and aborts the job (the last checkpoint written stays: checkpoints are atomic).
    static func run<T>(_ body: (Communicator?) throws -> T) throws -> T {
        guard let world = try Communicator.world(environment: launch) else { return try body(nil) }
        do {
            let result = try body(world)
            try world.finalize()
            return result
        } catch {
            printError("error: rank \(world.rank) of \(world.size): \(error)")
            printError("rank \(world.rank) stops the job (MPI_Abort); the other ranks end too")
            world.abort(code: 1)
        }
    }
}
