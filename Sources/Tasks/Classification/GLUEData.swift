import Foundation
import Tokenizer

/// Loading GLUE tasks from their official folders (`glue_data/MRPC`, …) or files.
public enum GLUEData {
    /// One split of a GLUE task, read from `directory` (the task's folder: `train.tsv`, `dev.tsv`, `test.tsv`;
    /// MNLI: `dev_matched.tsv` + `dev_mismatched.tsv`, `test_matched.tsv` + `test_mismatched.tsv`, whose examples
    /// are concatenated, matched first, and scored separately).
    public static func load(_ task: GLUETask, split: GLUESplit, directory: String, tokenizer: WordPieceTokenizer,
                            options: TaskOptions = TaskOptions()) throws -> TextClassificationDataset {
        let files = task.files(for: split).map { (URL(fileURLWithPath: directory).appendingPathComponent($0.name).path, $0.subset) }
        return try load(task, split: split, files: files, tokenizer: tokenizer, options: options)
    }

    /// A GLUE split from explicit files, each with its subset (`"matched"`/`"mismatched"` for MNLI, else `nil`).
    public static func load(_ task: GLUETask, split: GLUESplit, files: [(path: String, subset: String?)],
                            tokenizer: WordPieceTokenizer, options: TaskOptions = TaskOptions()) throws -> TextClassificationDataset {
        var examples: [TextExample] = [], warnings: [DataWarning] = []
        for file in files {
            let read = try GLUEReader.read(task: task, split: split, path: file.path, subset: file.subset, policy: options.badRows)
            examples += read.examples
            warnings += read.warnings
        }
        return try TextClassificationDataset(examples: examples, head: task.head, metricSet: task.metricSet,
                                             tokenizer: tokenizer, maxSequenceLength: options.maxSequenceLength,
                                             docStride: options.docStride, windowAggregation: options.windowAggregation,
                                             warnings: warnings)
    }
}
