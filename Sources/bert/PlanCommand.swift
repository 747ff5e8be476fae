import ArgumentParser
import BERT
import Compute
import Foundation
import Training

/// `bert plan`: the device memory of a fine-tuning run, item by item, and the micro-batch that fits a budget.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan device memory for fine-tuning: parameters, gradients, Adam moments, activations, head → peak; pick the micro-batch.",
        discussion: """
            The plan is computed from the same size tables the run allocates from, so it equals the peak the memory \
            accountant measures (tested to the byte on the CPU backend). Not yet planned: activation recompute, half \
            storage and CLBlast's GEMM temporary buffer on OpenCL devices (issue 6).
            """)

    @Option(name: .long, help: "tiny, mini, small, medium, base, large, minilm, or a model folder.")
    var model: String = "base"

    @Option(name: .long, help: "classify, ner or squad.")
    var task: String = "classify"

    @Option(name: .long, help: "Classes of the classify/ner head.")
    var labels: Int = 2

    @Option(name: .long, help: "Tokens per input.")
    var maxSeqLength: Int = 128

    @Option(name: .long, help: "The effective batch; the plan picks the largest micro-batch dividing it that fits.")
    var batchSize: Int = 32

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Print the largest micro-batch per sequence length (64 … 512) under 8, 12 and 16 GiB instead.")
    var grid = false

    @OptionGroup var deviceArguments: DeviceArguments

    func run() throws {
        let config = try ModelShapes.config(for: model)
        guard maxSeqLength <= config.maxPositionEmbeddings else {
            throw ValidationError("--max-seq-length \(maxSeqLength) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        let head: PlannedHead
        switch task {
        case "classify": head = .sequence(outputs: labels)
        case "ner": head = .tokens(labels: labels)
        case "squad": head = .span
        default: throw ValidationError("--task must be classify, ner or squad, got '\(task)'")
        }
        let device = try deviceArguments.open()
        if grid { return try printGrid(config: config, head: head, maxAllocation: device.info.maxAllocation) }
        let budget = device.memory.budget ?? device.info.globalMemory
        let maxAllocation = device.info.maxAllocation
        let chosen = try MemoryPlan.choose(config: config, head: head, batchSize: batchSize, sequence: maxSeqLength,
                                           budget: budget, maxAllocation: maxAllocation)
        let shown = try chosen ?? MemoryPlan(config: config, head: head, microBatch: 1, sequence: maxSeqLength, training: true,
                                             maxAllocation: maxAllocation)
        if json {
            let object: [String: Any] = [
                "model": model, "task": task, "max_seq_length": maxSeqLength, "batch_size": batchSize, "budget_bytes": budget,
                "fits": chosen != nil, "micro_batch_size": shown.microBatch, "accumulation_steps": batchSize / shown.microBatch,
                "peak_bytes": shown.total,
                "items": shown.items.map { ["name": $0.name, "bytes": $0.bytes, "overhead_bytes": $0.overhead] },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        var rows = [["item", "bytes", "of which alignment/chunking"]]
        rows += shown.items.map { [$0.name, ByteCount.format($0.bytes), ByteCount.format($0.overhead)] }
        rows.append(["peak", ByteCount.format(shown.total), ""])
        print(table(rows))
        if chosen != nil {
            print("\nbudget \(ByteCount.format(budget)): micro-batch \(shown.microBatch) × \(batchSize / shown.microBatch) accumulation "
                  + "step(s) reaches the batch of \(batchSize) at seq \(maxSeqLength) (the largest micro-batch that fits).")
        } else {
            print("\nnothing fits in \(ByteCount.format(budget)): even micro-batch 1 needs \(ByteCount.format(shown.total)). "
                  + "Give --device-memory at least that, or a shorter --max-seq-length.")
        }
    }

    /// The largest micro-batch (up to 512) that fits each budget at each sequence length, as a markdown table.
    private func printGrid(config: BertConfig, head: PlannedHead, maxAllocation: Int) throws {
        let lengths = [64, 128, 256, 320, 384, 512].filter { $0 <= config.maxPositionEmbeddings }
        print("| budget | " + lengths.map { "seq \($0)" }.joined(separator: " | ") + " |")
        print("|---|" + lengths.map { _ in "---" }.joined(separator: "|") + "|")
        for gib in [8, 12, 16] {
            let budget = gib << 30
            var cells: [String] = []
            for length in lengths {
                var low = 0, high = 512          // largest micro-batch that fits, by bisection (the plan grows with it)
                while low < high {
                    let mid = (low + high + 1) / 2
                    // A tensor larger than one allocation does not fit either.
                    let plan = try? MemoryPlan(config: config, head: head, microBatch: mid, sequence: length, training: true,
                                               maxAllocation: maxAllocation)
                    if let plan, plan.total <= budget { low = mid } else { high = mid - 1 }
                }
                cells.append(String(low))
            }
            print("| \(gib) GiB | " + cells.joined(separator: " | ") + " |")
        }
    }
}
