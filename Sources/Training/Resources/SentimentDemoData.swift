import Compute
import Foundation

/// The demo's sentence-classification data from the VADER movie-review snippets: rating > 0 → positive (1),
/// < 0 → negative (0), exactly 0 dropped. The split is fixed and documented: snippets whose id is a multiple
/// of 10 form the dev set (10 %), the rest the training set. Written as SST-2-style TSVs (header
/// `sentence\tlabel`) so the GLUE SST-2 reader takes them.
public enum SentimentDemoData {
    public struct Split {
        public let train: String
        public let dev: String
        public let trainCount: Int
        public let devCount: Int
        public let dropped: Int
    }

    /// Converts the ground-truth file (id, mean rating, text; CRLF) into `folder/train.tsv` and `folder/dev.tsv`.
    public static func prepare(groundTruth path: String, into folder: String) throws -> Split {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ResourceError("cannot read \(path) as UTF-8 text")
        }
        var train = ["sentence\tlabel"], dev = ["sentence\tlabel"], dropped = 0
        for (number, rawLine) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = rawLine.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let id = Int(fields[0]), let rating = Double(fields[1]) else {
                throw ResourceError("\(path):\(number + 1): expected id<TAB>rating<TAB>text, got \(fields.count) fields")
            }
            let sentence = fields[2].replacingOccurrences(of: "\t", with: " ").trimmingCharacters(in: .whitespaces)
            guard rating != 0, !sentence.isEmpty else {
                dropped += 1
                continue
            }
            let row = "\(sentence)\t\(rating > 0 ? 1 : 0)"
            if id % 10 == 0 { dev.append(row) } else { train.append(row) }
        }
        try Folders.create(folder)
        let trainPath = folder + "/train.tsv", devPath = folder + "/dev.tsv"
        try AtomicFile.write(Data((train.joined(separator: "\n") + "\n").utf8), to: trainPath)
        try AtomicFile.write(Data((dev.joined(separator: "\n") + "\n").utf8), to: devPath)
        return Split(train: trainPath, dev: devPath, trainCount: train.count - 1, devCount: dev.count - 1, dropped: dropped)
    }
}
