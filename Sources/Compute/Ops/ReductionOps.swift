/// Reductions. Every reduction sums in a fixed order, so results are deterministic run to run.
public protocol ReductionOps {
    /// Column sums of x: [rows, columns] into out: [columns] (a bias gradient). With `accumulate`,
    /// `out += Σ_r x[r, :]` (parameter gradients accumulate); otherwise `out = Σ_r x[r, :]`.
    func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool) throws
}
