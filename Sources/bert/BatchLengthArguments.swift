import ArgumentParser
import Training

/// How long each batch runs and whether training batches are grouped by length (`bert finetune …`,
/// `bert pretrain`).
struct BatchLengthArguments: ParsableArguments {
    @Flag(name: .long, inversion: .prefixedNo, help: ArgumentHelp(
        "Sort each megabatch of 50 shuffled batches by length, so each batch holds similar lengths and runs short "
            + "(HF Trainer's group_by_length; default: on for classification, regression and NER, off for SQuAD and pre-training)."))
    var groupByLength: Bool?

    @Option(name: .long, parsing: .unconditional, help: "Each batch runs at its longest sequence rounded up to a multiple of this.")
    var lengthMultiple: Int = BatchLength.standard.multiple

    @Flag(name: .long, help: "Run every batch at --max-seq-length (no per-batch lengths), as Google's code does.")
    var padToMaxLength = false

    func validate() throws {
        guard lengthMultiple > 0 else { throw ValidationError("--length-multiple must be positive, got \(lengthMultiple)") }
    }

    /// Writes the settings into `config`; grouping is `groupByDefault` unless a flag was given.
    func apply(to config: inout TrainerConfig, groupByDefault: Bool) {
        config.batchLength = BatchLength(multiple: lengthMultiple, dynamic: !padToMaxLength)
        config.groupByLength = groupByLength ?? groupByDefault
    }
}
