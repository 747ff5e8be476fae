import ArgumentParser

/// `bert-prof`: measures a device's peaks, then validates and times every op of a BERT training step on it,
/// and writes Chrome traces of a whole step. Each subcommand lives in its own file; add new ones to
/// `subcommands`.
@main
struct BertProf: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert-prof",
        abstract: "Profile SwiftBERT's kernels and GEMMs at BERT shapes on a device.",
        subcommands: [ProfileCommand.self, TuneCommand.self],
        defaultSubcommand: ProfileCommand.self)
}
