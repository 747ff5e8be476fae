import Compute
import Training

/// Claims a training run's --output before any work (`RunOutput`: checked writable, locked for this run, cleared of
/// the temporaries of earlier killed writes) and says what it cleared. Under `mpirun` only rank 0 claims it.
func claimOutput(_ path: String, command: String) throws {
    guard DistributedRun.launch.rank == 0 else { return }
    let output = try RunOutput.claim(path, command: command)
    if !output.removedLeftovers.isEmpty {
        printError("output: removed \(output.removedLeftovers.count) temporary entries (\(ByteCount.format(output.removedBytes))) "
                   + "left in \(path) by killed writes")
    }
    held.append(output)
}

/// The claims of this process: kept to the end (the lock is the open file).
nonisolated(unsafe) private var held: [RunOutput] = []
