import BERT
import Compute

/// How a training run's memory plan is chosen — one rule for `bert finetune`, `bert pretrain` (each phase), the
/// `--device auto` fit check and `bert plan`: for each allowed activation policy, the fastest plan that fits the
/// budget (with `--micro-batch-size auto` the largest micro-batch dividing the batch that fits; with a fixed one, that
/// micro-batch), and of those the one with the least estimated step time (ties: less memory). As
/// `ActivationPolicy.all` is ordered by increasing cost, a fixed micro-batch gets the cheapest policy that fits.
///
/// ```swift
/// let choice = try MemoryPlanChoice(config: config, head: .sequence(outputs: 2), sequence: 128, batchSize: 32,
///                                   microBatch: .auto, device: device)
/// print(choice.chosen.microBatch, choice.chosen.policy)
/// ```
public struct MemoryPlanChoice: Sendable {
    /// The plan the run uses.
    public let chosen: MemoryPlan
    /// Each allowed policy's fastest plan that fits, in the policies' order (what `bert plan` explains).
    public let considered: [MemoryPlan]
    /// The bytes the plans had: `--device-memory`, else the device's memory.
    public let budget: Int

    /// Chooses, or throws `ComputeError.runDoesNotFit` saying what the smallest run would need.
    public init(config: BertConfig, head: PlannedHead, sequence: Int, batchSize: Int, microBatch: MicroBatchSize,
                policies: [ActivationPolicy] = ActivationPolicy.all, optimizer: OptimizerKind = .google,
                device: any Device) throws {
        let budget = device.memory.budget ?? device.info.globalMemory
        var considered: [MemoryPlan] = []
        for policy in policies {
            if let micro = microBatch.fixed {
                // A plan whose largest tensor exceeds one allocation does not fit either.
                if let plan = try? MemoryPlan(config: config, head: head, microBatch: micro, sequence: sequence, training: true,
                                              policy: policy, device: device, optimizer: optimizer), plan.total <= budget {
                    considered.append(plan)
                }
            } else if let plan = try MemoryPlan.choose(config: config, head: head, batchSize: batchSize, sequence: sequence,
                                                       budget: budget, device: device, policies: [policy], optimizer: optimizer) {
                considered.append(plan)
            }
        }
        guard let chosen = considered.min(by: { ($0.relativeStepTime, $0.total) < ($1.relativeStepTime, $1.total) }) else {
            throw ComputeError.runDoesNotFit(try MemoryPlan.whyNothingFits(
                config: config, head: head, sequence: sequence, budget: budget, device: device, policies: policies,
                microBatch: microBatch.fixed, optimizer: optimizer))
        }
        self.chosen = chosen
        self.considered = considered
        self.budget = budget
    }
}
