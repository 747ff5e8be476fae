/// A comparison of computed values with a reference: |x − ref| ≤ atol + rtol·|ref| element-wise, non-finite
/// references skipped (as llm.c checks kernels), with the first mismatches kept for the message.
public struct Comparison: Sendable, CustomStringConvertible {
    public let count: Int
    public let mismatches: Int
    public let maxAbsoluteError: Double
    public let maxRelativeError: Double
    /// Up to five (index, value, reference) of the first mismatches.
    public let firstMismatches: [(index: Int, value: Float, reference: Float)]

    public var passed: Bool { mismatches == 0 }

    /// Compares `values` with `reference` under `atol + rtol·|ref|`.
    public init(_ values: [Float], _ reference: [Float], atol: Double, rtol: Double) {
        var mismatches = 0, maxAbs = 0.0, maxRel = 0.0
        var first: [(Int, Float, Float)] = []
        let n = min(values.count, reference.count)
        for i in 0..<n {
            let r = Double(reference[i]), v = Double(values[i])
            guard r.isFinite else { continue }
            let error = abs(v - r)
            if error.isFinite {
                maxAbs = max(maxAbs, error)
                if r != 0 { maxRel = max(maxRel, error / abs(r)) }
            }
            if !(error <= atol + rtol * abs(r)) {
                mismatches += 1
                if first.count < 5 { first.append((i, values[i], reference[i])) }
            }
        }
        if values.count != reference.count { mismatches += abs(values.count - reference.count) }
        count = n
        self.mismatches = mismatches
        maxAbsoluteError = maxAbs
        maxRelativeError = maxRel
        firstMismatches = first
    }

    public var description: String {
        var text = "\(count) values, \(mismatches) mismatches, max abs error \(format(maxAbsoluteError)), "
            + "max rel error \(format(maxRelativeError))"
        for m in firstMismatches { text += "\n    [\(m.index)] got \(m.value), expected \(m.reference)" }
        return text
    }

    private func format(_ x: Double) -> String { x == 0 ? "0" : String(format: "%.2e", x) }
}

import Foundation
