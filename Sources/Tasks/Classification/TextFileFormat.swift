/// How a generic labelled-text file is laid out: TSV, CSV or JSON Lines, and which columns hold the texts,
/// the label and the id.
///
/// ```swift
/// let format = TextFileFormat(kind: .csv, textColumn: .name("review"), labelColumn: .name("sentiment"))
/// let train = try TextFileData.load(path: "train.csv", format: format, tokenizer: tokenizer)
/// let dev = try TextFileData.load(path: "dev.csv", format: format, labels: train.labels, tokenizer: tokenizer)
/// ```
public struct TextFileFormat: Sendable, Equatable {
    /// The file syntax.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Tab-separated, read like GLUE (no quoting: quotes are ordinary characters).
        case tsv
        /// Comma-separated with RFC 4180 quoting.
        case csv
        /// One JSON object per line; columns are its keys.
        case jsonl

        /// The kind a file name's extension implies (`.tsv`, `.csv`, `.jsonl`/`.ndjson`), or `nil`.
        public init?(path: String) {
            let lowered = path.lowercased()
            if lowered.hasSuffix(".tsv") { self = .tsv } else if lowered.hasSuffix(".csv") { self = .csv }
            else if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { self = .jsonl } else { return nil }
        }
    }

    /// A column, by header name (or JSON key) or by 0-based index (TSV and CSV only).
    public enum Column: Sendable, Hashable, CustomStringConvertible {
        case name(String)
        case index(Int)

        /// A column from a command-line value: a non-negative integer is an index, anything else a name.
        public init(_ specification: String) {
            if let index = Int(specification), index >= 0 { self = .index(index) } else { self = .name(specification) }
        }

        public var description: String {
            switch self {
            case .name(let name): return "'\(name)'"
            case .index(let index): return "index \(index)"
            }
        }
    }

    /// Whether a TSV or CSV file starts with a header row.
    public enum Header: Sendable, Equatable {
        case present
        case absent
        /// Present when any column is given by name, or labels are 0/1 columns (named by it). With indices only it is decided from the label column: the
        /// first row is a header when its label is unlike the others — not a number while the others are
        /// (regression), not a known label while the others are (given labels), or a value no other row has while
        /// the other rows repeat theirs (discovered labels). Without a label column the file is taken as
        /// headerless.
        case detect
    }

    /// How a row's label (or labels) is written.
    public enum LabelLayout: Sendable, Equatable {
        /// One class in the label column (a number for regression).
        case single
        /// Multi-label: the label column holds the row's labels joined by the separator (`sports,politics`); an
        /// empty field is a row with no label. Without a label column the file is unlabelled (prediction input).
        case separated(String)
        /// Multi-label: one column per label, holding 1 or 0 (`true`/`false`, `1.0`/`0.0` too); the labels are the
        /// columns' names, in the order given. `nil`: every column but the text, second-text and id columns, in the
        /// header's order (TSV and CSV with a header row; JSON Lines must name its keys).
        case indicatorColumns([Column]?)

        /// Whether a row may carry several labels.
        public var isMultiLabel: Bool { self != .single }
    }

    /// The file syntax.
    public var kind: Kind
    /// The (first) text.
    public var textColumn: Column
    /// The second text of a pair, if any.
    public var textPairColumn: Column?
    /// `nil` for unlabelled files (prediction input).
    public var labelColumn: Column?
    /// `nil`: ids are `line-<n>`.
    public var idColumn: Column?
    /// Whether a TSV or CSV file has a header row.
    public var header: Header
    /// Labels are real numbers (one regression output) rather than classes.
    public var isRegression: Bool
    /// One label per row, or a label set (multi-label classification) and how it is written.
    public var labelLayout: LabelLayout

    public init(kind: Kind, textColumn: Column, textPairColumn: Column? = nil, labelColumn: Column? = nil,
                idColumn: Column? = nil, header: Header = .detect, isRegression: Bool = false,
                labelLayout: LabelLayout = .single) {
        self.kind = kind
        self.textColumn = textColumn
        self.textPairColumn = textPairColumn
        self.labelColumn = labelColumn
        self.idColumn = idColumn
        self.header = header
        self.isRegression = isRegression
        self.labelLayout = labelLayout
    }

    /// Whether rows carry labels: a label column, or 0/1 label columns.
    public var isLabelled: Bool {
        if case .indicatorColumns = labelLayout { return true }
        return labelColumn != nil
    }

    /// Every configured column, the 0/1 label columns included when they are named.
    var columns: [Column] {
        var columns = [textColumn] + [textPairColumn, labelColumn, idColumn].compactMap { $0 }
        if case .indicatorColumns(let named?) = labelLayout { columns += named }
        return columns
    }

    /// The text, second-text and id columns: what "every other column" leaves out.
    var inputColumns: [Column] { [textColumn] + [textPairColumn, idColumn].compactMap { $0 } }
}
