/// How the outputs of a long input's windows become its one prediction (`--window-aggregation`).
public enum WindowAggregation: String, Sendable, Equatable, CaseIterable {
    /// The mean of the windows' logits (or scores), per output.
    case mean
    /// The largest of the windows' logits (or scores), per output: a label that one window sees decides.
    case max

    /// One output row from the rows of an input's windows (all of one width; one row is returned as it is).
    public func combine(_ rows: ArraySlice<[Float]>) -> [Float] {
        guard let first = rows.first else { return [] }
        guard rows.count > 1 else { return first }
        var combined = first.map(Double.init)
        for row in rows.dropFirst() {
            for (index, value) in row.enumerated() where index < combined.count {
                switch self {
                case .mean: combined[index] += Double(value)
                case .max: combined[index] = Swift.max(combined[index], Double(value))
                }
            }
        }
        if self == .mean { combined = combined.map { $0 / Double(rows.count) } }
        return combined.map(Float.init)
    }
}
