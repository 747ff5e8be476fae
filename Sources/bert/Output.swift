import Cluster
import Foundation

/// Writes a line to standard error (progress and diagnostics; standard output carries results). Under mpirun the
/// lines of ranks other than 0 start with `[rank R/N]`, so the interleaved output of a job says who wrote what.
func printError(_ text: String) {
    let launch = DistributedRun.launch
    let prefix = launch.isLaunchedByMPI && launch.rank > 0 ? "[rank \(launch.rank)/\(launch.worldSize)] " : ""
    FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
}

/// Left-pads or right-pads cells into aligned columns.
func table(_ rows: [[String]]) -> String {
    guard let width = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: width)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
