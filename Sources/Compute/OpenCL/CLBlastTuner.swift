import Foundation

/// Tunes CLBlast's GEMM for a workload on one OpenCL device and returns the parameters to save
/// (`CLBlastParameters.write`), which `bert` then applies when it opens the device.
///
/// The search, within `Configuration.maxSeconds`:
/// 1. Baseline: the workload with CLBlast's current parameters (its database).
/// 2. Xgemm (the indirect kernel) configurations sampled from `CLBlastParameterSpace.xgemm` (the regular
///    kernel; see `CLBlastCandidates`), every rule obeyed, each timed with every GEMM forced onto the
///    indirect path; XgemmDirect configurations from `CLBlastParameterSpace.xgemmDirect` timed with every
///    GEMM forced direct. The database's own configurations are timed first. A configuration that fails to
///    build or gives a wrong result (checked rows against OpenBLAS) is rejected; one already 1.5× slower
///    than the best so far partway through is dropped (`CLBlastSearch`).
/// 3. `CLBlastPathChoice` picks the switch point XGEMM_MIN_INDIRECT_SIZE and the configurations from those
///    tables; the pick is timed unforced, and kept only if it beats the baseline.
///
/// CLBlast builds its GEMM routine for every configuration (several seconds each on PoCL), which dominates
/// the time; the baseline and the final timing always run, whatever the budget. The parameters CLBlast had
/// before are restored when `run` returns or throws.
public struct CLBlastTuner {
    /// What to tune for and how long.
    public struct Configuration {
        /// The GEMMs to make fast, weighted by their calls.
        public var workload: [WeightedGEMM]
        /// Budget for the search in seconds (the baseline and final timing run regardless).
        public var maxSeconds: Double
        /// Sampled configurations at most, split between Xgemm and XgemmDirect (the database's own are extra).
        public var maxConfigurations: Int
        /// Timed calls per GEMM and configuration (the median counts), after one untimed checked call.
        public var runs: Int
        /// Seed of the sampling and the test data.
        public var seed: UInt64
        /// Receives one line per step (stderr in `bert-prof tune`).
        public var progress: (String) -> Void

        public init(workload: [WeightedGEMM], maxSeconds: Double = 600, maxConfigurations: Int = 60, runs: Int = 3,
                    seed: UInt64 = 1, progress: @escaping (String) -> Void = { _ in }) {
            self.workload = workload
            self.maxSeconds = maxSeconds
            self.maxConfigurations = maxConfigurations
            self.runs = runs
            self.seed = seed
            self.progress = progress
        }
    }

    /// One GEMM's time under a set of parameters.
    public struct GEMMTiming: Sendable {
        public let gemm: WeightedGEMM
        /// Median seconds of one call.
        public let seconds: Double
        /// Whether CLBlast ran it with its direct kernel.
        public let direct: Bool
        /// Seconds of all its calls.
        public var totalSeconds: Double { seconds * Double(gemm.calls) }
    }

    /// What the tuning found.
    public struct Outcome: Sendable {
        /// The parameters to save: the tuned ones, or the database's when nothing beat them.
        public let parameters: CLBlastParameters
        /// CLBlast's parameters before tuning (its database, unless this process had replaced them).
        public let database: CLBlastParameters
        public let baseline: [GEMMTiming]
        public let tuned: [GEMMTiming]
        /// Whether `parameters` differ from the database's (they were faster).
        public let improved: Bool
        public let configurationsMeasured: Int
        public let configurationsRejected: Int
        /// Why configurations were rejected (the first few).
        public let rejections: [String]
        public let elapsedSeconds: Double

        public var baselineSeconds: Double { baseline.reduce(0) { $0 + $1.totalSeconds } }
        public var tunedSeconds: Double { tuned.reduce(0) { $0 + $1.totalSeconds } }
        public var speedup: Double { baselineSeconds / tunedSeconds }
    }

    public let device: OpenCLDevice
    public let configuration: Configuration

    public init(device: OpenCLDevice, configuration: Configuration) {
        self.device = device
        self.configuration = configuration
    }

    /// Runs the search (see the type's description).
    public func run() throws -> Outcome {
        let database = try CLBlastParameters.current(on: device)
        do {
            let search = try CLBlastSearch(device: device, configuration: configuration, database: database)
            let baseline = try search.baseline()
            let tables = try search.tables()
            let best = try search.pick(tables, baseline: baseline)
            try restore(database)
            return search.outcome(baseline: baseline, best: best)
        } catch {
            try? restore(database)
            throw error
        }
    }

    private func restore(_ database: CLBlastParameters) throws {
        try CLBlastParameters.apply(database.kernels, deviceID: device.deviceID, info: device.info,
                                    source: "CLBlast's parameters before tuning")
    }
}
