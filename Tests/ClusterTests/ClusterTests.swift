import Cluster
import XCTest

/// The communicator outside mpirun: launch detection from the environment (no MPI is touched), per-rank
/// settings, and the single-process world.
final class ClusterTests: XCTestCase {
    func testNoLauncherMeansOneProcessAndNoMPI() throws {
        let launch = LaunchEnvironment(environment: ["PATH": "/usr/bin"])
        XCTAssertFalse(launch.isLaunchedByMPI)
        XCTAssertEqual(launch.worldSize, 1)
        XCTAssertEqual(launch.rank, 0)
        XCTAssertNil(try Communicator.world(environment: launch), "a single process never initializes MPI")
    }

    func testOpenMPIAndHydraVariables() {
        let openMPI = LaunchEnvironment(environment: ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3",
                                                      "OMPI_COMM_WORLD_LOCAL_RANK": "1"])
        XCTAssertEqual(openMPI, LaunchEnvironment(isLaunchedByMPI: true, worldSize: 4, rank: 3, localRank: 1))
        let hydra = LaunchEnvironment(environment: ["PMI_SIZE": "2", "PMI_RANK": "1", "MPI_LOCALRANKID": "0"])
        XCTAssertEqual(hydra, LaunchEnvironment(isLaunchedByMPI: true, worldSize: 2, rank: 1, localRank: 0))
        XCTAssertEqual(LaunchEnvironment(environment: ["PMIX_RANK": "x"]).rank, 0, "a malformed rank reads as 0")
    }

    func testPerRankDeviceExpansion() {
        let launch = LaunchEnvironment(environment: ["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_RANK": "5",
                                                     "OMPI_COMM_WORLD_LOCAL_RANK": "1"])
        XCTAssertEqual(launch.expand("opencl:{local_rank}"), "opencl:1")
        XCTAssertEqual(launch.expand("rank-{rank}"), "rank-5")
        XCTAssertEqual(launch.expand("cpu"), "cpu")
    }

    func testWithoutMPIALauncherIsAClearError() throws {
        guard !Communicator.isAvailable else { throw XCTSkip("this build has MPI (the mpirun test covers it)") }
        XCTAssertThrowsError(try Communicator.world(environment: LaunchEnvironment(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))) {
            XCTAssertTrue(String(describing: $0).contains("built without MPI"), "\($0)")
        }
    }
}
