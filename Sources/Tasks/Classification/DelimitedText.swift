/// One row of a delimited file: the line it starts on (from 1) and its fields.
struct DelimitedRow: Equatable {
    let line: Int
    let fields: [String]
}

/// Splitting TSV and CSV files into rows.
enum DelimitedText {
    /// TSV the way Google's `_read_tsv` reads GLUE (Python's `csv.reader` with a tab delimiter and no quote
    /// character): every tab separates two fields and quotes are ordinary characters. Empty lines are skipped.
    static func tsv(_ bytes: [UInt8]) -> [DelimitedRow] {
        TextFile.lines(bytes).compactMap { line in
            guard !line.bytes.isEmpty else { return nil }
            let fields = line.bytes.split(separator: 0x09, omittingEmptySubsequences: false)
            return DelimitedRow(line: line.number, fields: fields.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// CSV as RFC 4180 defines it: fields separated by commas, rows by `\r\n`, `\n` or `\r`; a field in double
    /// quotes may hold commas, line breaks and doubled quotes (`""` for one `"`). A quote inside an unquoted field
    /// is kept as an ordinary character (as Python's reader does). Empty lines are skipped.
    ///
    /// - Throws: ``TaskDataError/malformedRow(path:line:reason:)`` for a quoted field that never closes or text
    ///   after a closing quote.
    static func csv(_ bytes: [UInt8], path: String) throws -> [DelimitedRow] {
        var parser = CSVParser(path: path)
        var index = 0
        while index < bytes.count {
            index = try parser.consume(bytes, at: index)
        }
        return try parser.finish()
    }
}

/// The RFC 4180 state machine behind ``DelimitedText/csv(_:path:)``.
private struct CSVParser {
    enum State { case fieldStart, unquoted, quoted, afterQuote }

    let path: String
    var state = State.fieldStart
    var line = 1, rowLine = 1, quoteLine = 1
    var field: [UInt8] = [], fields: [String] = [], rows: [DelimitedRow] = []
    var fieldWasQuoted = false

    init(path: String) {
        self.path = path
    }

    /// Handles the byte at `index` and returns the index of the next byte to read.
    mutating func consume(_ bytes: [UInt8], at index: Int) throws -> Int {
        let byte = bytes[index]
        let isBreak = byte == 0x0A || byte == 0x0D
        let next = byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? index + 2 : index + 1
        switch state {
        case .quoted:
            if byte == 0x22 {
                if index + 1 < bytes.count, bytes[index + 1] == 0x22 {
                    field.append(0x22)
                    return index + 2
                }
                state = .afterQuote
                return index + 1
            }
            if isBreak {
                line += 1
                field.append(contentsOf: bytes[index..<next])
                return next
            }
            field.append(byte)
        case .afterQuote:
            if byte == 0x2C { endField(); return index + 1 }
            if isBreak { endRow(); return next }
            throw TaskDataError.malformedRow(path: path, line: line,
                                             reason: "text after the closing quote of a CSV field (a quote inside a quoted field must be doubled)")
        case .fieldStart, .unquoted:
            if byte == 0x2C { endField(); return index + 1 }
            if isBreak { endRow(); return next }
            if byte == 0x22, state == .fieldStart {
                state = .quoted
                fieldWasQuoted = true
                quoteLine = line
                return index + 1
            }
            state = .unquoted
            field.append(byte)
        }
        return index + 1
    }

    mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
        fieldWasQuoted = false
    }

    mutating func endRow() {
        let isEmptyLine = fields.isEmpty && field.isEmpty && !fieldWasQuoted
        endField()
        if !isEmptyLine { rows.append(DelimitedRow(line: rowLine, fields: fields)) }
        fields.removeAll()
        line += 1
        rowLine = line
    }

    mutating func finish() throws -> [DelimitedRow] {
        if state == .quoted {
            throw TaskDataError.malformedRow(path: path, line: quoteLine, reason: "a quoted CSV field is never closed")
        }
        if !(fields.isEmpty && field.isEmpty && !fieldWasQuoted) {
            endField()
            rows.append(DelimitedRow(line: rowLine, fields: fields))
        }
        return rows
    }
}
