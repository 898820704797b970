/// A deterministic mutator of text inputs: byte-level damage (flips,
/// insertions, deletions, truncation), line-level damage (duplicate, drop,
/// swap, splice from another seed), and the edits that find numeric and
/// encoding bugs in parsers (a number or a unit replaced by an extreme,
/// CRLF line endings, a byte-order mark). Same seed, same sequence.
struct Mutator {
    /// SplitMix64: small, fast and good enough to drive mutations.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Numbers that break parsers: zero, negatives, the edges of Int and
    /// Double, non-finite spellings, tiny and huge magnitudes.
    static let extremeNumbers = [
        "0", "-1", "-0", "1e300", "-1e300", "1e-300", "1e19", "1e30", "9223372036854775807", "-9223372036854775808",
        "18446744073709551616", "nan", "NaN", ".nan", "inf", "-inf", ".inf", "Infinity", "1e308", "4.9e-324",
        "0.0000001", "2147483648", "65536", "1000000", "1e6", "0x10", "1_000", "",
    ]
    /// Units and suffixes glued to an extreme number (durations, rates,
    /// percentages, multipliers, byte rates).
    static let units = ["", "s", "ms", "m", "h", "d", "y", "/s", "/min", "%", "x", "GB/s", "us"]

    var rng: Generator

    init(seed: UInt64) { rng = Generator(state: seed) }

    mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }

    /// One mutant of `input`, from 1 to 4 stacked mutations; `others` are
    /// the target's other seeds, for splicing.
    mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + int(4)) { bytes = once(bytes, others: others) }
        return bytes
    }

    mutating func once(_ bytes: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var b = bytes
        switch int(14) {
        case 0, 1, 2, 3: return replaceNumber(b)
        case 4: return replaceNumber(replaceNumber(b))
        case 5:  // flip one byte
            if !b.isEmpty { b[int(b.count)] ^= UInt8(1 << int(8)) }
        case 6:  // insert a random or structural byte
            let pick: [UInt8] = [0, 10, 13, 34, 39, 44, 45, 46, 58, 91, 93, 123, 125, 0xFF, 0xEF, UInt8(truncatingIfNeeded: rng.next())]
            b.insert(pick[int(pick.count)], at: int(b.count + 1))
        case 7:  // delete a range
            if !b.isEmpty {
                let start = int(b.count), length = 1 + int(min(64, b.count - start))
                b.removeSubrange(start..<min(b.count, start + length))
            }
        case 8: return lines(b) { l, m in let i = m.int(l.count); l.insert(l[i], at: i) }          // duplicate a line
        case 9: return lines(b) { l, m in if l.count > 1 { l.remove(at: m.int(l.count)) } }        // drop a line
        case 10: return lines(b) { l, m in let i = m.int(l.count), j = m.int(l.count); l.swapAt(i, j) }  // swap two lines
        case 11:  // splice: a line from another seed
            guard let other = others.isEmpty ? nil : others[int(others.count)] else { return b }
            let from = split(other)
            return lines(b) { l, m in if !from.isEmpty { l.insert(from[m.int(from.count)], at: m.int(l.count + 1)) } }
        case 12:  // encodings: CRLF line endings or a byte-order mark
            if int(2) == 0 {
                var out: [UInt8] = []
                for c in b { if c == 10 { out.append(13) }; out.append(c) }
                return out
            }
            return [0xEF, 0xBB, 0xBF] + b
        default:  // truncate
            if !b.isEmpty { b.removeSubrange(int(b.count)...) }
        }
        return b
    }

    /// Replaces one number (a run of digits with its sign, point and
    /// exponent) by an extreme, with a unit half the time.
    mutating func replaceNumber(_ b: [UInt8]) -> [UInt8] {
        var starts: [Int] = []
        var i = 0
        while i < b.count {
            if isDigit(b[i]) && (i == 0 || !isDigit(b[i - 1]) && b[i - 1] != 46) { starts.append(i) }
            i += 1
        }
        guard !starts.isEmpty else { return b }
        var start = starts[int(starts.count)]
        if start > 0 && b[start - 1] == 45 { start -= 1 }
        var end = start + 1
        while end < b.count && (isDigit(b[end]) || b[end] == 46 || b[end] == 101 || b[end] == 69 || b[end] == 95
                                || ((b[end] == 45 || b[end] == 43) && (b[end - 1] == 101 || b[end - 1] == 69))) { end += 1 }
        if int(2) == 0 { while end < b.count && isLetter(b[end]) { end += 1 } }  // the unit too
        var replacement = Mutator.extremeNumbers[int(Mutator.extremeNumbers.count)]
        if int(2) == 0 { replacement += Mutator.units[int(Mutator.units.count)] }
        return Array(b[..<start]) + Array(replacement.utf8) + Array(b[end...])
    }

    mutating func lines(_ b: [UInt8], _ edit: (inout [[UInt8]], inout Mutator) -> Void) -> [UInt8] {
        var l = split(b)
        if l.isEmpty { return b }
        edit(&l, &self)
        return Array(l.joined(separator: [10]))
    }

    func split(_ b: [UInt8]) -> [[UInt8]] { b.split(separator: 10, omittingEmptySubsequences: false).map(Array.init) }
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 37 || c == 47 }
}
