/// The configurations a tuning run times, in order: CLBlast's database Xgemm and XgemmDirect first, then
/// seeded samples (without replacement) of `CLBlastParameterSpace`'s valid configurations, Xgemm and
/// XgemmDirect alternately.
///
/// Xgemm samples come from the regular kernel (GEMMK 0) only: a 2D-register-tiled configuration (GEMMK 1)
/// within CLBlast's tuner rules crashed the process on PoCL 3.1 with CLBlast 1.5.3 (a segfault inside the
/// kernel, GEMMK 1 KREG 4 MWG 8 NWG 128 MDIMC 2 NDIMC 32 VWM 2), and a crash cannot be caught in-process.
enum CLBlastCandidates {
    enum Candidate {
        case xgemm([String: Int], index: Int)
        case direct([String: Int], index: Int)
    }

    /// The database's two configurations and `count` samples (half Xgemm, half XgemmDirect).
    static func list(database: CLBlastParameters, limits: CLBlastParameterSpace.Limits, count: Int,
                     seed: UInt64) -> [Candidate] {
        var random = SplitMix64(seed: seed &+ 0x5EED)
        let total = max(0, count)
        let xgemmCount = (total + 1) / 2, directCount = total / 2
        let regular = sample(CLBlastParameterSpace.xgemm(gemmk: 0).configurations(limits: limits), xgemmCount,
                             &random, excluding: database.kernels["Xgemm"])
        let direct = sample(CLBlastParameterSpace.xgemmDirect.configurations(limits: limits), directCount,
                            &random, excluding: database.kernels["XgemmDirect"])
        let databaseOnes: [Candidate] = [database.kernels["Xgemm"].map { .xgemm($0, index: 0) },
                                         database.kernels["XgemmDirect"].map { .direct($0, index: 0) }].compactMap { $0 }
        let xgemm = regular.enumerated().map { Candidate.xgemm($1, index: $0 + 1) }
        return databaseOnes + interleaved(xgemm, direct.enumerated().map { Candidate.direct($1, index: $0 + 1) })
    }

    /// "NAME=value …" sorted by name, for progress lines.
    static func describe(_ values: [String: Int]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// `count` distinct configurations drawn without replacement, `excluding` left out.
    private static func sample(_ all: [[String: Int]], _ count: Int, _ random: inout SplitMix64,
                               excluding: [String: Int]?) -> [[String: Int]] {
        var pool = all.filter { $0 != excluding }
        var chosen: [[String: Int]] = []
        while chosen.count < count, !pool.isEmpty {
            pool.swapAt(Int(random.next() % UInt64(pool.count)), pool.count - 1)
            chosen.append(pool.removeLast())
        }
        return chosen
    }

    private static func interleaved<T>(_ a: [T], _ b: [T]) -> [T] {
        var result: [T] = []
        for i in 0..<max(a.count, b.count) {
            if i < a.count { result.append(a[i]) }
            if i < b.count { result.append(b[i]) }
        }
        return result
    }
}
