import ArgumentParser
import BERT
import Compute
import Foundation
import Training

/// `bert plan`: the device memory of a fine-tuning or pre-training run, item by item, and the micro-batch, accumulation steps
/// and activation policy that reach the effective batch fastest within a budget.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan device memory for fine-tuning or pre-training and pick the micro-batch, accumulation and activation recompute/precision.",
        discussion: """
            The plan is computed from the same size tables the run allocates from (parameters, gradients, Adam moments, \
            the activation arena shaped by the recompute/precision policy, the head, CLBlast's GEMM temporary buffer and \
            kernel scratch), so it equals the peak the memory accountant measures. --dry-run builds the chosen run on a \
            device that allocates virtually and runs one optimizer step without computing, and prints its measured peak; \
            --run-steps N runs N real steps of it (random weights and inputs) and prints the measured peak and tokens/s.
            """)

    /// The task heads `--task` offers (each names itself: `PlannableHeadKind.taskName`).
    static let headKinds: [any PlannableHeadKind.Type] = [SequenceHeadSpec.self, TokenHeadSpec.self, SpanHeadSpec.self,
                                                          PretrainingHeadSpec.self]

    @Option(name: .long, help: "tiny, mini, small, medium, base, large, minilm, or a model folder.")
    var model: String = "base"

    @Option(name: .long, help: "classify, ner, squad or pretrain (masked LM + next sentence).")
    var task: String = "classify"

    @Option(name: .long, parsing: .unconditional, help: "pretrain: masked positions per sequence (Google: 20 at seq 128, 80 at seq 512).")
    var maxPredictionsPerSeq: Int = 20

    @Option(name: .long, parsing: .unconditional, help: "Classes of the classify/ner head.")
    var labels: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Tokens per input.")
    var maxSeqLength: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "The effective batch; the plan picks the micro-batch (dividing it) and policy that reach it fastest.")
    var batchSize: Int = 32

    @Option(name: .long, help: "adamw, adamw-torch or lamb (LAMB adds its chunk tables to the two moments).")
    var optimizer: String = "adamw"

    @Option(name: .long, parsing: .unconditional, help: "Plan this micro-batch instead of choosing one.")
    var microBatchSize: Int?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Print the largest micro-batch per sequence length (64 … 512) under 8, 12 and 16 GiB, per policy (pretrain: 20 predictions per 128 tokens).")
    var grid = false

    @Flag(name: .long, help: "Also build the chosen run on a virtual device and execute one step without compute; print its peak.")
    var dryRun = false

    @Option(name: .long, parsing: .unconditional, help: "Also run N real optimizer steps of the chosen plan on the device (random weights and inputs); print the measured peak and tokens/s.")
    var runSteps: Int?

    @OptionGroup var activationArguments: ActivationArguments

    @OptionGroup var deviceArguments: DeviceArguments

    /// `--micro-batch-size`, auto when not given (the plan's question is which micro-batch fits).
    private var microBatch: MicroBatchSize { microBatchSize.map(MicroBatchSize.fixed) ?? .auto }

    func validate() throws {
        do { try microBatch.check(batchSize: batchSize) } catch { throw ValidationError("\(error)") }
        guard labels > 0 else { throw ValidationError("--labels must be positive, got \(labels)") }
        guard (1...maxSeqLength).contains(maxPredictionsPerSeq) else {
            throw ValidationError("--max-predictions-per-seq must be in 1...\(maxSeqLength), got \(maxPredictionsPerSeq)")
        }
        guard OptimizerKind(rawValue: optimizer) != nil else {
            throw ValidationError("--optimizer must be adamw, adamw-torch or lamb, got '\(optimizer)'")
        }
        guard (runSteps ?? 1) > 0 else { throw ValidationError("--run-steps must be positive, got \(runSteps ?? 0)") }
    }

    func run() throws {
        let config = try ModelShapes.config(for: model)
        guard maxSeqLength <= config.maxPositionEmbeddings else {
            throw ValidationError("--max-seq-length \(maxSeqLength) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        guard let head = Self.headKinds.first(where: { $0.taskName == task })?
            .planned(labels: labels, predictions: maxPredictionsPerSeq) else {
            let names = Self.headKinds.map { $0.taskName }
            throw ValidationError("--task must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? ""), got '\(task)'")
        }
        let device = try deviceArguments.open()
        if grid { return try printGrid(config: config, head: head, device: device) }
        let choice = try MemoryPlanChoice(config: config, head: head, sequence: maxSeqLength, batchSize: batchSize,
                                          microBatch: microBatch,
                                          policies: activationArguments.candidates, optimizer: optimizerKind, device: device)
        let (chosen, considered, budget) = (choice.chosen, choice.considered, choice.budget)
        let dry = dryRun ? try PlanCheck.dryRun(chosen, config: config, head: head, batchSize: batchSize, target: device) : nil
        let executed = try runSteps.map {
            try PlanCheck.execute(chosen, config: config, head: head, batchSize: batchSize, device: device, steps: $0)
        }
        if json { return try printJSON(chosen, considered: considered, budget: budget, dry: dry, executed: executed) }
        print(table(rows(chosen)))
        print("\nkept per layer: " + Set(chosen.keptPerLayer).sorted().map(ByteCount.format).joined(separator: ", ")
              + " (× \(chosen.keptPerLayer.count) layers)")
        print("\nbudget \(ByteCount.format(budget)); effective batch \(batchSize) at seq \(maxSeqLength). Fastest that fits, per policy:")
        var options = [["policy", "micro-batch", "accumulation", "peak", "est. step time"]]
        for plan in considered {
            options.append([plan.policy.description + (plan.policy == chosen.policy ? "  ← chosen" : ""), String(plan.microBatch),
                            String(batchSize / plan.microBatch), ByteCount.format(plan.total),
                            String(format: "%.2f", plan.relativeStepTime / chosen.relativeStepTime)])
        }
        print(table(options))
        print("\nchosen: micro-batch \(chosen.microBatch) × \(batchSize / chosen.microBatch) accumulation step(s), \(chosen.policy): "
              + "the least estimated time per effective batch (policy compute × small-micro-batch overhead; docs/memory.md).")
        if let dry {
            print("dry run: measured peak \(ByteCount.format(dry.peak)) (\(dry.peak) bytes) vs planned \(chosen.total) bytes — "
                  + (dry.peak == chosen.total ? "equal" : "DIFFERENT") + String(format: "; %.2f s", dry.stepSeconds[0]))
        }
        if let executed {
            print("\(executed.stepSeconds.count) real step(s) on \(device.info): measured peak \(ByteCount.format(executed.peak)) "
                  + "(\(executed.peak) bytes) vs planned \(chosen.total) bytes — " + (executed.peak == chosen.total ? "equal" : "DIFFERENT")
                  + String(format: "; median step %.2f s, %.1f tokens/s", executed.stepSeconds.sorted()[executed.stepSeconds.count / 2],
                           executed.tokensPerSecond))
        }
    }

    private func rows(_ plan: MemoryPlan) -> [[String]] {
        var rows = [["item", "bytes", "", "of which alignment/chunking"]]
        for item in plan.items {
            rows.append([item.name, ByteCount.format(item.bytes), String(item.bytes), item.overhead > 0 ? ByteCount.format(item.overhead) : ""])
            for part in item.parts {
                rows.append(["  " + part.name, ByteCount.format(part.bytes), String(part.bytes), ""])
                if part.name == EncoderLayout.Category.kept.rawValue {
                    for kind in plan.keptByKind {
                        rows.append(["    " + kind.kind, ByteCount.format(kind.bytes), String(kind.bytes), ""])
                    }
                }
            }
        }
        rows.append(["peak", ByteCount.format(plan.total), String(plan.total), ""])
        return rows
    }

    private func printJSON(_ chosen: MemoryPlan, considered: [MemoryPlan], budget: Int, dry: PlanCheck.Result?,
                           executed: PlanCheck.Result?) throws {
        func describe(_ plan: MemoryPlan) -> [String: Any] {
            [
                "micro_batch_size": plan.microBatch, "accumulation_steps": batchSize / plan.microBatch,
                "recompute": plan.policy.recompute.rawValue, "activations": plan.policy.storage.rawValue,
                "peak_bytes": plan.total, "relative_step_time": plan.relativeStepTime,
            ]
        }
        var object: [String: Any] = describe(chosen)
        object["model"] = model
        object["task"] = task
        object["max_seq_length"] = maxSeqLength
        object["batch_size"] = batchSize
        object["budget_bytes"] = budget
        object["items"] = chosen.items.map { item -> [String: Any] in
            ["name": item.name, "bytes": item.bytes, "overhead_bytes": item.overhead,
             "parts": item.parts.map { ["name": $0.name, "bytes": $0.bytes] }]
        }
        object["kept_by_kind"] = chosen.keptByKind.map { ["kind": $0.kind, "bytes": $0.bytes] }
        object["kept_per_layer"] = chosen.keptPerLayer
        object["considered"] = considered.map(describe)
        if let dry { object["dry_run"] = ["peak_bytes": dry.peak, "seconds": dry.stepSeconds[0]] }
        if let executed {
            object["executed"] = ["peak_bytes": executed.peak, "step_seconds": executed.stepSeconds,
                                  "tokens_per_second": executed.tokensPerSecond]
        }
        print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
    }

    private var optimizerKind: OptimizerKind { OptimizerKind(rawValue: optimizer) ?? .google }

    /// The largest micro-batch that fits each budget at each sequence length, per allowed policy, as markdown.
    private func printGrid(config: BertConfig, head: PlannedHead, device: any Device) throws {
        let lengths = [64, 128, 256, 320, 384, 512].filter { $0 <= config.maxPositionEmbeddings }
        print("| budget | policy | " + lengths.map { "seq \($0)" }.joined(separator: " | ") + " |")
        print("|---|---|" + lengths.map { _ in "---" }.joined(separator: "|") + "|")
        for gib in [8, 12, 16] {
            for policy in activationArguments.candidates {
                let cells = lengths.map { sequence in
                    // Pre-training: Google's ratio of masked positions, 20 per 128 tokens (80 at 512).
                    let planned = head.isPretraining ? PlannedHead.pretraining(predictions: sequence * 20 / 128) : head
                    return String(MemoryPlan.largestMicroBatch(config: config, head: planned, sequence: sequence, budget: gib << 30,
                                                               policy: policy, device: device, optimizer: optimizerKind))
                }
                print("| \(gib) GiB | \(policy.recompute.rawValue), \(policy.storage.rawValue) | " + cells.joined(separator: " | ") + " |")
            }
        }
    }
}
