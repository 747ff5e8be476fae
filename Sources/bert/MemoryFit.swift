import ArgumentParser
import BERT
import Compute
import Training

/// The memory plan of a training run (`MemoryPlanChoice`: with `microBatchSize` "auto" the micro-batch and activation
/// policy that reach `batchSize` fastest within the budget, else the cheapest allowed policy at that micro-batch, nil =
/// the whole batch). Prints the choice.
func chooseMemoryPlan(config: BertConfig, head: PlannedHead, sequence: Int, batchSize: Int, microBatchSize: String?,
                      activations: ActivationArguments, optimizer: OptimizerKind, device: any Device) throws -> MemoryPlan {
    let choice = try planMemory(config: config, head: head, sequence: sequence, batchSize: batchSize,
                                microBatchSize: microBatchSize, activations: activations, optimizer: optimizer, device: device)
    let plan = choice.chosen
    printError("memory plan: micro-batch \(plan.microBatch) × \(batchSize / plan.microBatch) accumulation step(s), \(plan.policy), "
               + "planned peak \(ByteCount.format(plan.total)) of \(ByteCount.format(choice.budget))")
    return plan
}

/// `chooseMemoryPlan` as a `--device auto` fit check: nil when the run has a plan on the device, else why not.
func memoryFit(config: BertConfig, head: PlannedHead, sequence: Int, batchSize: Int, microBatchSize: String?,
               activations: ActivationArguments, optimizer: OptimizerKind) -> DeviceFit {
    { device in
        do {
            _ = try planMemory(config: config, head: head, sequence: sequence, batchSize: batchSize, microBatchSize: microBatchSize,
                               activations: activations, optimizer: optimizer, device: device)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// The flags mapped onto `MemoryPlanChoice` (the choice itself is the Training module's).
private func planMemory(config: BertConfig, head: PlannedHead, sequence: Int, batchSize: Int, microBatchSize: String?,
                        activations: ActivationArguments, optimizer: OptimizerKind, device: any Device) throws -> MemoryPlanChoice {
    guard sequence <= config.maxPositionEmbeddings else {
        throw ValidationError("--max-seq-length \(sequence) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
    }
    return try MemoryPlanChoice(config: config, head: head, sequence: sequence, batchSize: batchSize,
                                microBatch: try MicroBatchSize(microBatchSize, batchSize: batchSize),
                                policies: activations.candidates, optimizer: optimizer, device: device)
}

/// `--device auto`'s fit check for inference with the model in `folder` and `head` (`bert predict`, `bert evaluate`,
/// `bert extract-features`): nil when the inference memory plan at `batch` × `sequence` fits the device's budget,
/// else the sizes.
func inferenceFit(folder: String, head: PlannedHead, batch: Int, sequence: Int) throws -> DeviceFit {
    let config = try Checkpoint.open(folder).requireConfig()
    return planFit("inference at batch \(batch) × seq \(sequence)") { device in
        try MemoryPlan(config: config, head: head, microBatch: batch, sequence: sequence, training: false, device: device,
                       optimizer: nil).total
    }
}

/// A fit check from a plan's peak on the device: nil when it fits the budget (--device-memory, else the device's
/// memory), else "WHAT needs … by the memory plan; DEVICE has …".
func planFit(_ what: String, peak: @escaping (any Device) throws -> Int) -> DeviceFit {
    { device in
        let needed = try peak(device), budget = device.memory.budget ?? device.info.globalMemory
        return needed <= budget ? nil : "\(what) needs \(ByteCount.format(needed)) by the memory plan; \(device.info) has "
            + ByteCount.format(budget) + (device.memory.budget == nil ? "" : " (--device-memory)")
    }
}
