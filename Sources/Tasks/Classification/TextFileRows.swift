import Foundation

/// The rows of a generic text file as field lookups: a header-resolved TSV/CSV table or JSON Lines objects.
struct TextFileRows {
    /// One row: its line and a way to read a configured column.
    struct Row {
        let line: Int
        let value: (TextFileFormat.Column) throws -> String?
    }

    let path: String
    let rows: [Row]
    /// Multi-label files in the 0/1-column layout: each label column and its label (the column's name).
    let indicatorColumns: [(column: TextFileFormat.Column, label: String)]

    /// Reads `path` with `format`. `knownLabels` helps header detection (`nil` while discovering labels).
    init(path: String, format: TextFileFormat, knownLabels: [String]?) throws {
        self.path = path
        let bytes = try TextFile.bytes(at: path)
        switch format.kind {
        case .jsonl:
            rows = try Self.jsonLines(bytes, path: path, format: format)
            indicatorColumns = try Self.keyIndicators(format: format)
        case .tsv, .csv:
            let table = format.kind == .tsv ? DelimitedText.tsv(bytes) : try DelimitedText.csv(bytes, path: path)
            var format = format
            indicatorColumns = try Self.tableIndicators(table, path: path, format: format)
            if case .indicatorColumns(nil) = format.labelLayout { format.labelLayout = .indicatorColumns(indicatorColumns.map(\.column)) }
            rows = try Self.table(table, path: path, format: format, knownLabels: knownLabels)
        }
        guard !rows.isEmpty else { throw TaskDataError.emptyFile(path: path) }
    }

    /// The 0/1 label columns of a JSON Lines file: its named keys.
    private static func keyIndicators(format: TextFileFormat) throws -> [(column: TextFileFormat.Column, label: String)] {
        guard case .indicatorColumns(let columns) = format.labelLayout else { return [] }
        guard let columns else {
            throw TaskDataError.invalidSetting(name: "--label-columns", expected: "the label keys of a JSON Lines file (its keys have no order)")
        }
        return columns.map { column in
            if case .name(let key) = column { return (column, key) }
            return (column, column.description)  // an index: jsonLines(...) has already refused it
        }
    }

    /// The 0/1 label columns of a TSV/CSV table, named by its header row: the named ones, or every column but the
    /// text, second-text and id columns.
    private static func tableIndicators(_ table: [DelimitedRow], path: String,
                                        format: TextFileFormat) throws -> [(column: TextFileFormat.Column, label: String)] {
        guard case .indicatorColumns(let columns) = format.labelLayout else { return [] }
        guard format.header != .absent, let header = table.first?.fields else {
            if table.isEmpty { return [] }
            throw TaskDataError.invalidSetting(name: "header", expected: "a header row naming the label columns of \(path)")
        }
        guard let columns else {
            let inputs = Set(format.inputColumns.compactMap { column -> Int? in
                switch column {
                case .index(let index): return index
                case .name(let name): return header.firstIndex(of: name)
                }
            })
            let labels = header.indices.filter { !inputs.contains($0) }.map { (TextFileFormat.Column.name(header[$0]), header[$0]) }
            guard !labels.isEmpty else {
                throw TaskDataError.invalidSetting(name: "--label-columns", expected: "label columns besides the text in \(path), found none")
            }
            return labels
        }
        return try columns.map { column in
            switch column {
            case .name(let name): return (column, name)
            case .index(let index):
                guard header.indices.contains(index) else {
                    throw TaskDataError.malformedRow(path: path, line: table[0].line,
                                                     reason: "expected at least \(index + 1) columns for label column \(column), found \(header.count)")
                }
                return (column, header[index])
            }
        }
    }

    private static func table(_ table: [DelimitedRow], path: String, format: TextFileFormat,
                              knownLabels: [String]?) throws -> [Row] {
        guard let first = table.first else { return [] }
        let hasHeader = headerIsPresent(table, format: format, knownLabels: knownLabels)
        let header = hasHeader ? first.fields : []
        func resolve(_ column: TextFileFormat.Column) throws -> Int {
            switch column {
            case .index(let index): return index
            case .name(let name):
                guard hasHeader else {
                    throw TaskDataError.invalidSetting(name: "header", expected: "a header row to find column '\(name)' in \(path)")
                }
                guard let index = header.firstIndex(of: name) else {
                    throw TaskDataError.missingColumn(path: path, column: name, header: header)
                }
                return index
            }
        }
        let indices = try Dictionary(format.columns.map { ($0, try resolve($0)) }, uniquingKeysWith: { first, _ in first })
        let width = first.fields.count, needed = (indices.values.max() ?? 0) + 1
        guard width >= needed else {
            throw TaskDataError.malformedRow(path: path, line: first.line,
                                             reason: "expected at least \(needed) columns for \(format.columns.map(\.description).joined(separator: ", ")), found \(width)")
        }
        let separator = format.kind == .tsv ? "tab-separated" : "comma-separated"
        return table.dropFirst(hasHeader ? 1 : 0).map { row in
            Row(line: row.line) { column in
                guard row.fields.count == width else {
                    throw TaskDataError.malformedRow(path: path, line: row.line,
                                                     reason: "expected \(width) \(separator) columns (as \(hasHeader ? "the header" : "the first row")), found \(row.fields.count)")
                }
                return indices[column].flatMap { row.fields.indices.contains($0) ? row.fields[$0] : nil }
            }
        }
    }

    /// Whether the first row of a TSV/CSV table is a header (see ``TextFileFormat/Header/detect``).
    private static func headerIsPresent(_ table: [DelimitedRow], format: TextFileFormat, knownLabels: [String]?) -> Bool {
        switch format.header {
        case .present: return true
        case .absent: return false
        case .detect:
            if case .indicatorColumns = format.labelLayout { return true }
            if format.columns.contains(where: { if case .name = $0 { return true } else { return false } }) { return true }
            guard case .index(let index)? = format.labelColumn, let first = table.first,
                  first.fields.indices.contains(index) else { return false }
            let candidate = first.fields[index]
            let rest = table.dropFirst().compactMap { $0.fields.indices.contains(index) ? $0.fields[index] : nil }
            if format.isRegression { return Double(candidate) == nil && rest.contains { Double($0) != nil } }
            if let knownLabels { return !knownLabels.contains(candidate) && rest.contains(where: knownLabels.contains) }
            return !rest.contains(candidate) && rest.count > Set(rest).count
        }
    }

    private static func jsonLines(_ bytes: [UInt8], path: String, format: TextFileFormat) throws -> [Row] {
        if let column = format.columns.first(where: { if case .index = $0 { return true } else { return false } }) {
            throw TaskDataError.invalidSetting(name: "columns", expected: "JSON keys for a JSON Lines file, not \(column)")
        }
        let decoder = JSONDecoder()
        return TextFile.lines(bytes).filter { !$0.isBlank }.map { line in
            let data = Data(line.bytes)
            let object: [String: JSONScalar]
            do {
                object = try decoder.decode([String: JSONScalar].self, from: data)
            } catch {
                // A line that is not a JSON object fails when it is read, so that BadRowPolicy applies to it.
                let problem = JSONErrors.describe(error, in: data)
                let place = problem.location == "(document)" ? "" : problem.location.replacingOccurrences(of: "line 1, ", with: "") + ": "
                let failure = TaskDataError.malformedRow(path: path, line: line.number, reason: "not a JSON object (\(place)\(problem.reason))")
                return Row(line: line.number) { _ in throw failure }
            }
            return Row(line: line.number) { column in
                guard case .name(let key) = column else { return nil }
                switch object[key] {
                case .text(let text)?: return text
                case .null?, nil: return nil
                case .other?:
                    throw TaskDataError.malformedRow(path: path, line: line.number, reason: "field '\(key)' is an object or array, not text")
                }
            }
        }
    }
}

/// A JSON value as a text field: strings as they are, numbers and booleans as written, `null` apart.
enum JSONScalar: Decodable {
    case text(String)
    case null
    case other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null } else if let value = try? container.decode(String.self) { self = .text(value) }
        else if let value = try? container.decode(Bool.self) { self = .text(value ? "true" : "false") }
        else if let value = try? container.decode(Int.self) { self = .text(String(value)) }
        else if let value = try? container.decode(Double.self) { self = .text(String(value)) }
        else { self = .other }
    }
}
