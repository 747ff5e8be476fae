/// BERT's learning rate: linear warmup from 0 over the first `warmupSteps`, then linear decay to 0 at
/// `totalSteps` — Google's optimization.py: `lr · (1 − step / total)`, replaced by `lr · step / warmup` while
/// `step < warmup` (steps count from 0, so the very first update uses rate 0 when there is a warmup).
public struct LearningRateSchedule: Sendable, Equatable {
    public var baseRate: Float
    public var totalSteps: Int
    public var warmupSteps: Int

    public init(baseRate: Float, totalSteps: Int, warmupProportion: Double) {
        self.baseRate = baseRate
        self.totalSteps = max(totalSteps, 1)
        warmupSteps = Int(Double(totalSteps) * warmupProportion)
    }

    /// The rate of the update made at `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return baseRate * Float(step) / Float(warmupSteps) }
        return baseRate * max(0, 1 - Float(step) / Float(totalSteps))
    }
}
