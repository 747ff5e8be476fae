import Foundation

/// Chooses CLBlast's switch point between its direct and indirect GEMM (GemmRoutine's
/// XGEMM_MIN_INDIRECT_SIZE: a GEMM runs direct when m·n·k < size³) together with the Xgemm and XgemmDirect
/// configurations, from per-GEMM times measured with every GEMM forced onto each path.
///
/// A threshold splits the GEMMs by m·n·k into a direct part and an indirect part; for each possible split the
/// best indirect configuration for the indirect part and the best direct one for the direct part are
/// independent choices, so every split's best cost is exact given the measurements.
struct CLBlastPathChoice: Equatable {
    /// The threshold (XGEMM_MIN_INDIRECT_SIZE).
    let threshold: Int
    /// Row of the indirect table (Xgemm configuration) or nil when no GEMM runs indirect.
    let indirect: Int?
    /// Row of the direct table (XgemmDirect configuration) or nil when no GEMM runs direct.
    let direct: Int?
    /// Sum of the chosen per-GEMM seconds.
    let predictedSeconds: Double

    /// Every usable split with its best configurations, fastest first.
    ///
    /// - Parameters:
    ///   - volumes: m·n·k of each GEMM.
    ///   - indirect: for each Xgemm configuration, each GEMM's seconds on the indirect path (calls included).
    ///   - direct: likewise on the direct path.
    ///   - preferredThreshold: used for a split whenever it produces that split (CLBlast's database value, so
    ///     shapes outside the workload keep its switch point).
    static func ranked(volumes: [UInt64], indirect: [[Double]], direct: [[Double]],
                       preferredThreshold: Int?) -> [CLBlastPathChoice] {
        let levels = Array(Set(volumes)).sorted()
        guard !levels.isEmpty else { return [] }
        var choices: [CLBlastPathChoice] = []
        // Split j: GEMMs with volume ≤ levels[j - 1] run direct, the others indirect.
        for j in 0...levels.count {
            let low: Double = j == 0 ? 0 : Double(levels[j - 1])
            let high: Double = j == levels.count ? .infinity : Double(levels[j])
            guard let threshold = Self.threshold(above: low, atMost: high, preferred: preferredThreshold,
                                                 lowest: Double(levels[0]), highest: Double(levels[levels.count - 1]))
            else { continue }
            let runsDirect = volumes.map { Double($0) <= low }
            let bestIndirect = best(indirect, where: runsDirect.map { !$0 })
            let bestDirect = best(direct, where: runsDirect)
            guard let bestIndirect, let bestDirect else { continue }
            choices.append(CLBlastPathChoice(threshold: threshold, indirect: bestIndirect.row, direct: bestDirect.row,
                                             predictedSeconds: bestIndirect.seconds + bestDirect.seconds))
        }
        return choices.sorted { $0.predictedSeconds < $1.predictedSeconds }
    }

    /// The table row with the smallest sum over the selected GEMMs: (nil, 0) when none is selected, nil when
    /// some are but the table is empty.
    private static func best(_ table: [[Double]], where selected: [Bool]) -> (row: Int?, seconds: Double)? {
        guard selected.contains(true) else { return (nil, 0) }
        let sums = table.map { times in zip(times, selected).reduce(0) { $0 + ($1.1 ? $1.0 : 0) } }
        guard let minimum = sums.min(), let row = sums.firstIndex(of: minimum) else { return nil }
        return (row, minimum)
    }

    /// An integer t with low < t³ ≤ high: `preferred` if it qualifies, else near the geometric middle (for the
    /// open ends, half the smallest or twice the largest cube root); nil if no integer fits.
    private static func threshold(above low: Double, atMost high: Double, preferred: Int?, lowest: Double,
                                  highest: Double) -> Int? {
        func cube(_ t: Int) -> Double { Double(t) * Double(t) * Double(t) }
        if let preferred, cube(preferred) > low, cube(preferred) <= high { return preferred }
        var t: Int
        if low == 0 {
            t = max(1, Int(cbrt(lowest) / 2))
        } else if high == .infinity {
            t = Int(cbrt(highest) * 2) + 1
        } else {
            t = Int(cbrt((low * high).squareRoot()).rounded())
        }
        while cube(t) <= low { t += 1 }
        while t > 1, cube(t) > high { t -= 1 }
        return cube(t) > low && cube(t) <= high ? t : nil
    }
}
