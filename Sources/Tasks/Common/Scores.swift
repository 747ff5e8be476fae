import Foundation

/// Small numeric helpers shared by the tasks' post-processing.
enum Scores {
    /// The index of the largest value; the first on ties (as `numpy.argmax`). `nil` for an empty row.
    static func argmax<C: Collection>(_ values: C) -> Int? where C.Element == Float, C.Index == Int {
        guard var best = values.indices.first else { return nil }
        for index in values.indices where values[index] > values[best] { best = index }
        return best - values.startIndex
    }

    /// Softmax in double precision, shifted by the maximum (as `run_squad.py`'s `_compute_softmax`).
    static func softmax(_ scores: [Double]) -> [Double] {
        guard let maximum = scores.max() else { return [] }
        let exponentials = scores.map { exp($0 - maximum) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}
