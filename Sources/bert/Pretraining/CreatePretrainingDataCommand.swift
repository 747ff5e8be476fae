import ArgumentParser
import Compute
import Foundation
import Tasks
import Tokenizer

/// `bert create-pretraining-data`: Google's create_pretraining_data.py, streaming, on all cores, into binary shards.
struct CreatePretrainingDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-pretraining-data",
        abstract: "Make masked-LM / next-sentence pre-training data from text (as Google's create_pretraining_data.py).",
        discussion: """
            Input: one sentence per line, a blank line between documents. Documents are read in groups of \
            --shard-documents; each group is processed exactly as Google's script processes a whole corpus (group 0 \
            with --seed, group g with Python's random.Random(|seed| + (g << 64))) and written to OUTPUT/part-<g>.sbpt; \
            groups run on all cores and the output does not depend on how many. A corpus that fits one group gives \
            Google's instances exactly. OUTPUT/summary.json holds the counts printed at the end. Format and reader: \
            docs/pretraining-data.md. With --model DIR, the tokenizer is Google's over DIR/vocab.txt, lower-casing \
            as DIR/tokenizer_config.json says.
            """)

    @Option(name: [.customLong("input"), .customLong("input-file")], parsing: .upToNextOption,
            help: "Text files or globs (quote globs), one sentence per line; commas separate several, as Google's --input_file.")
    var input: [String]

    /// The inputs with Google's comma-separated lists split.
    private var inputs: [String] { input.flatMap { $0.split(separator: ",").map(String.init) } }

    @Option(name: .long, help: "Folder for the shards and summary.json (must hold no .sbpt yet).")
    var output: String

    @Option(name: [.customLong("vocab"), .customLong("vocab-file")], help: "A bare vocabulary file (Google checkpoints).")
    var vocab: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "With --vocab: lower-case and strip accents (uncased models).")
    var doLowerCase = true

    @Option(name: .long, help: "A HuggingFace model folder: its vocab.txt, lower-casing from tokenizer_config.json.")
    var model: String?

    @Option(name: .long, help: "Tokens per instance, [CLS] and [SEP] included.")
    var maxSeqLength = 128

    @Option(name: .long, help: "Most masked positions per instance.")
    var maxPredictionsPerSeq = 20

    @Option(name: .long, help: "Fraction of tokens to mask, in (0, 1].")
    var maskedLmProb = 0.15

    @Option(name: .long, help: "Passes over the data, each with different masks.")
    var dupeFactor = 10

    @Option(name: .long, help: "Probability of a shorter target length.")
    var shortSeqProb = 0.1

    @Flag(name: [.customLong("whole-word-mask"), .customLong("do-whole-word-mask")], help: "Mask all pieces of a word together.")
    var wholeWordMask = false

    @Option(name: [.customLong("seed"), .customLong("random-seed")], help: "Random seed (Google's random_seed).")
    var seed = Int(TrainingDefaults.seed)

    @Option(name: .long, help: "Documents per group and shard (memory holds a few groups; NSP draws within a group).")
    var shardDocuments = 20000

    func validate() throws {
        guard (model == nil) != (vocab == nil) else { throw ValidationError("give exactly one of --vocab FILE and --model DIR") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one --input file or glob") }
        try options.validate()
    }

    private var options: PretrainingOptions {
        var options = PretrainingOptions()
        options.maxSeqLength = maxSeqLength
        options.maxPredictionsPerSeq = maxPredictionsPerSeq
        options.maskedLMProbability = maskedLmProb
        options.dupeFactor = dupeFactor
        options.shortSeqProbability = shortSeqProb
        options.wholeWordMask = wholeWordMask
        options.seed = seed
        options.shardDocuments = shardDocuments
        return options
    }

    func run() throws {
        let vocabularyPath: String
        let lowercase: Bool
        if let model {
            vocabularyPath = URL(fileURLWithPath: model).appendingPathComponent("vocab.txt").path
            lowercase = try TokenizerConfiguration(huggingFaceDirectory: URL(fileURLWithPath: model)).lowercase
        } else {
            vocabularyPath = vocab ?? ""
            lowercase = doLowerCase
        }
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyPath, lowercase: lowercase, compatibility: .google)
        let configuration = PretrainingDataConfiguration(inputs: inputs, outputDirectory: output, options: options,
                                                         vocabularyName: vocabularyPath)
        let summary = try PretrainingDataGenerator(configuration: configuration, tokenizer: tokenizer).run()
        print(summary.report)
        print("wrote \(summary.shards) shard(s) and summary.json to \(output)")
    }
}
