/// A plain-text table for terminals: a header row, aligned columns, numbers
/// right-aligned, text left-aligned.
///
/// ```swift
/// var t = TextTable(header: ["metric", "value"])
/// t.append(["events", "2,000,000"])
/// print(t.render())
/// ```
package struct TextTable: Sendable {
    /// Column titles.
    package var header: [String]
    /// Body rows; each has as many cells as the header.
    package private(set) var rows: [[String]] = []

    /// Whether all-numeric columns are right-aligned.
    package var alignNumbers: Bool

    /// A table with the given column titles.
    package init(header: [String], alignNumbers: Bool = true) {
        self.header = header
        self.alignNumbers = alignNumbers
    }

    /// Adds a row (missing cells are blank, extra cells dropped).
    package mutating func append(_ row: [String]) {
        var r = Array(row.prefix(header.count))
        while r.count < header.count { r.append("") }
        rows.append(r)
    }

    /// The table as lines joined by newlines (no trailing newline).
    package func render() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        let numeric = header.indices.map { i in
            alignNumbers && !rows.isEmpty && rows.allSatisfy { TextTable.looksNumeric($0[i]) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    static func looksNumeric(_ s: String) -> Bool {
        guard let first = s.first else { return true }
        return first.isNumber || first == "-" || first == "+" || first == "."
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
