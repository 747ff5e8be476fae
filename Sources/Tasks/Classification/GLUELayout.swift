/// Where a GLUE file keeps its texts and label, exactly as Google's `run_classifier.py` processors and
/// HuggingFace's GLUE processors read them (columns are 0-based).
struct GLUELayout: Equatable {
    /// Where the label is.
    enum LabelColumn: Equatable {
        case index(Int)
        /// The last column (`line[-1]`).
        case last
    }

    /// The first row names the columns and is skipped.
    var hasHeader: Bool
    /// The number of columns a headerless file must have.
    var columnCount: Int?
    var text: Int
    var pair: Int?
    var label: LabelColumn?
    /// The column holding the example's id (`nil`: ids are `<split>-<line>`).
    var id: Int?

    /// The fewest columns a row must have: past every column used, and one more for a last-column label.
    var requiredColumns: Int {
        let used = max(text, pair ?? 0, id ?? 0) + 1
        switch label {
        case .index(let index)?: return max(used, index + 1)
        case .last?: return used + 1
        case nil: return used
        }
    }

    /// The layout of `task`'s `split` files.
    init(task: GLUETask, split: GLUESplit) {
        let test = split == .test
        switch task {
        case .cola:
            // Only the test file has a header: train and dev are source, label, original label, sentence.
            self = test ? GLUELayout(hasHeader: true, text: 1, id: 0)
                        : GLUELayout(hasHeader: false, columnCount: 4, text: 3, label: .index(1))
        case .sst2:
            self = test ? GLUELayout(hasHeader: true, text: 1, id: 0) : GLUELayout(hasHeader: true, text: 0, label: .index(1))
        case .mrpc:
            // Quality, #1 ID, #2 ID, #1 String, #2 String; the test file has an index in column 0.
            self = test ? GLUELayout(hasHeader: true, text: 3, pair: 4, id: 0)
                        : GLUELayout(hasHeader: true, text: 3, pair: 4, label: .index(0))
        case .stsb:
            // index, genre, filename, year, old_index, source1, source2, sentence1, sentence2, score.
            self = GLUELayout(hasHeader: true, text: 7, pair: 8, label: test ? nil : .index(9), id: 0)
        case .qqp:
            // id, qid1, qid2, question1, question2, is_duplicate; the test file is id, question1, question2.
            self = test ? GLUELayout(hasHeader: true, text: 1, pair: 2, id: 0)
                        : GLUELayout(hasHeader: true, text: 3, pair: 4, label: .index(5), id: 0)
        case .mnli:
            // index, promptID, pairID, genre, 4 parses, sentence1, sentence2, (label1 … label5,) gold_label.
            self = GLUELayout(hasHeader: true, text: 8, pair: 9, label: test ? nil : .last, id: 0)
        case .qnli, .rte, .wnli:
            // index, question/sentence1, sentence/sentence2, label.
            self = GLUELayout(hasHeader: true, text: 1, pair: 2, label: test ? nil : .last, id: 0)
        }
    }

    init(hasHeader: Bool, columnCount: Int? = nil, text: Int, pair: Int? = nil, label: LabelColumn? = nil, id: Int? = nil) {
        self.hasHeader = hasHeader
        self.columnCount = columnCount
        self.text = text
        self.pair = pair
        self.label = label
        self.id = id
    }
}
