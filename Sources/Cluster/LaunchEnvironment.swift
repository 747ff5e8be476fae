import Foundation

/// How this process was launched, read from the variables that `mpirun` / `mpiexec` set (Open MPI's
/// `OMPI_COMM_WORLD_*`, PMIx's `PMIX_RANK`, MPICH/Hydra's `PMI_SIZE`, `PMI_RANK`, `MPI_LOCALRANKID`).
/// Reading them needs no MPI: a process that was not started by a launcher never initializes MPI.
public struct LaunchEnvironment: Sendable, Equatable {
    /// True when a launcher started this process (any of the variables above is set).
    public var isLaunchedByMPI: Bool
    /// Processes in the job as the launcher says (1 when not launched by MPI or not said).
    public var worldSize: Int
    /// This process's rank as the launcher says (0 when not said).
    public var rank: Int
    /// This process's rank among those on its machine (0 when not said): the index of its GPU.
    public var localRank: Int

    /// Reads `environment` (pass `ProcessInfo.processInfo.environment`).
    public init(environment: [String: String]) {
        func integer(_ names: [String]) -> Int? {
            names.lazy.compactMap { environment[$0].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }.first
        }
        let markers = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", "MPI_LOCALNRANKS"]
        isLaunchedByMPI = markers.contains { environment[$0] != nil }
        worldSize = max(1, integer(["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MPI_WORLD_SIZE"]) ?? 1)
        rank = max(0, integer(["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"]) ?? 0)
        localRank = max(0, integer(["OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "PMI_LOCAL_RANK", "LOCAL_RANK"]) ?? 0)
    }

    /// The fields as given (tests, tools).
    public init(isLaunchedByMPI: Bool, worldSize: Int, rank: Int, localRank: Int) {
        self.isLaunchedByMPI = isLaunchedByMPI
        self.worldSize = worldSize
        self.rank = rank
        self.localRank = localRank
    }

    /// Replaces `{local_rank}` and `{rank}` in a per-rank setting (`--device opencl:{local_rank}`), so one
    /// command line gives each rank its own device.
    public func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "{local_rank}", with: String(localRank))
            .replacingOccurrences(of: "{rank}", with: String(rank))
    }
}
