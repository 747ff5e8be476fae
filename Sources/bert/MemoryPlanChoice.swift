import ArgumentParser
import BERT
import Compute
import Training

/// The memory plan of a training run (fine-tuning or pre-training): with `microBatchSize` "auto" the micro-batch
/// and activation policy that reach `batchSize` fastest within the budget (--device-memory, else the device's
/// memory); with a fixed micro-batch (nil = the whole batch) the cheapest allowed policy that fits. Prints the choice.
func chooseMemoryPlan(config: BertConfig, head: PlannedHead, sequence: Int, batchSize: Int, microBatchSize: String?,
                      activations: ActivationArguments, optimizer: OptimizerKind, device: any Device) throws -> MemoryPlan {
    guard sequence <= config.maxPositionEmbeddings else {
        throw ValidationError("--max-seq-length \(sequence) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
    }
    let budget = device.memory.budget ?? device.info.globalMemory
    let policies = activations.candidates
    let fixed = microBatchSize.flatMap(Int.init) ?? (microBatchSize == nil ? batchSize : nil)
    let chosen: MemoryPlan?
    if let micro = fixed {
        chosen = policies.lazy.compactMap {
            try? MemoryPlan(config: config, head: head, microBatch: micro, sequence: sequence, training: true,
                            policy: $0, device: device, optimizer: optimizer)
        }.first { $0.total <= budget }
    } else {
        chosen = try MemoryPlan.choose(config: config, head: head, batchSize: batchSize, sequence: sequence,
                                       budget: budget, device: device, policies: policies, optimizer: optimizer)
    }
    guard let plan = chosen else {
        throw try activations.nothingFits(config: config, head: head, sequence: sequence, budget: budget, device: device,
                                          microBatch: fixed, optimizer: optimizer)
    }
    printError("memory plan: micro-batch \(plan.microBatch) × \(batchSize / plan.microBatch) accumulation step(s), \(plan.policy), "
               + "planned peak \(ByteCount.format(plan.total)) of \(ByteCount.format(budget))")
    return plan
}
