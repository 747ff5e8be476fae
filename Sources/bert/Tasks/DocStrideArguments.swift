import ArgumentParser
import Tasks

/// `--doc-stride` of the sentence and token tasks (`classify`, `ner`): long inputs as overlapping windows instead of
/// truncation. (SQuAD has its own, always on: SQuADArguments.)
struct DocStrideArguments: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Split an input longer than --max-seq-length into overlapping windows whose starts are this many word pieces "
            + "apart, instead of truncating it. classify: a pair keeps its whole first text in every window, training "
            + "weighs each window 1/K, predictions combine the windows (--window-aggregation). ner: each word is "
            + "labelled and predicted in the window where it has the most context."))
    var docStride: Int?

    func validate() throws {
        if let docStride, docStride < 1 { throw ValidationError("--doc-stride must be at least 1 word piece, got \(docStride)") }
    }

    /// `options` with the stride.
    func apply(to options: TaskOptions) -> TaskOptions {
        var options = options
        options.docStride = docStride
        return options
    }
}
