import Foundation

/// Number formatting shared by the text and markdown reports.
enum Format {
    static func milliseconds(_ seconds: Double) -> String {
        let ms = seconds * 1e3
        return ms >= 100 ? String(format: "%.0f ms", ms) : ms >= 1 ? String(format: "%.2f ms", ms) : String(format: "%.3f ms", ms)
    }

    static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "–" }
        return String(format: "%.0f %%", fraction * 100)
    }

    /// Left-aligned text columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    /// A markdown table (pipes in cells escaped).
    static func markdown(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
    }
}
