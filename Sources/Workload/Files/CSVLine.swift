/// Splits one CSV line into cells, the way every CSV reader of Headroom does
/// (history, trace, calibration and ServeGen client files):
///
/// - cells are separated by commas; spaces and tabs around a cell are removed;
/// - a cell may be quoted as RFC 4180 says: `"a,b"` is the one cell `a,b`, and
///   a doubled quote inside quotes is one quote (`"say ""hi"""` → `say "hi"`);
///   the text inside the quotes is kept as written;
/// - a quoted cell must end on its line (a line break inside quotes is not
///   read): ``split(_:)`` returns `nil` for a quote left open.
///
/// Line endings (`\n`, `\r\n`) and a UTF-8 byte-order mark are removed by
/// ``LineReader`` before a line gets here.
///
/// ```swift
/// CSVLine.split("1, \"a,b\" ,\"x\"\"y\"")   // ["1", "a,b", "x\"y"]
/// ```
///
/// - Complexity: O(length of the line).
package enum CSVLine {
    /// The cells of `line`, or `nil` when a quoted cell is not closed.
    package static func split<S: StringProtocol>(_ line: S) -> [String]? {
        var cells: [String] = []
        let utf8 = Array(line.utf8)
        // Fast path: no quotes, split on commas and trim.
        if !utf8.contains(quote) {
            var start = 0
            for i in 0...utf8.count where i == utf8.count || utf8[i] == comma {
                cells.append(trimmed(utf8[start..<i]))
                start = i + 1
            }
            return cells
        }
        var i = 0
        let n = utf8.count
        while true {
            // Skip leading blanks of the cell.
            var j = i
            while j < n && isBlank(utf8[j]) { j += 1 }
            if j < n && utf8[j] == quote {
                // A quoted cell: up to the closing quote, "" standing for one quote.
                var value: [UInt8] = []
                var k = j + 1
                var closed = false
                while k < n {
                    if utf8[k] == quote {
                        if k + 1 < n && utf8[k + 1] == quote { value.append(quote); k += 2; continue }
                        closed = true
                        k += 1
                        break
                    }
                    value.append(utf8[k])
                    k += 1
                }
                guard closed else { return nil }
                // Anything after the closing quote up to the comma is kept (trimmed).
                let tailStart = k
                while k < n && utf8[k] != comma { k += 1 }
                let tail = trimmed(utf8[tailStart..<k])
                cells.append(String(decoding: value, as: UTF8.self) + tail)
                if k >= n { break }
                i = k + 1
            } else {
                var k = j
                while k < n && utf8[k] != comma { k += 1 }  // a quote inside an unquoted cell is text
                cells.append(trimmed(utf8[j..<k]))
                if k >= n { break }
                i = k + 1
            }
        }
        return cells
    }

    /// The cells of `line`, throwing a ``WorkloadError`` at `location` for a
    /// quote left open.
    package static func cells<S: StringProtocol>(_ line: S, at location: @autoclosure () -> String) throws -> [String] {
        guard let cells = split(line) else {
            throw WorkloadError(location(), unterminatedQuote)
        }
        return cells
    }

    /// The message for a quoted cell that does not end on its line.
    package static let unterminatedQuote = "a quoted cell is not closed (expected a closing \" on the same line; a doubled \"\" is one quote)"

    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22

    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi && isBlank(bytes[lo]) { lo += 1 }
        while hi > lo && isBlank(bytes[hi - 1]) { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}
