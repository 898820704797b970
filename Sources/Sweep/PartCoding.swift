import Foundation
import Workload

/// The JSON form of every part file (sweeps' and plans'): sorted keys,
/// numbers in Swift's shortest round-trip form (reading gives back the same
/// bits), `inf`, `-inf` and `nan` as strings. Sweep parts' keys are in snake
/// case; plan parts keep the planner's own key names (snake case would not
/// read back acronyms such as `simulatedGPUHours`).
package enum PartCoding {
    private static let strings = (inf: "inf", minusInf: "-inf", nan: "nan")
    static var encoder: JSONEncoder { encoder(snakeCase: true) }
    static var decoder: JSONDecoder { decoder(snakeCase: true) }

    static func encoder(snakeCase: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        if snakeCase { e.keyEncodingStrategy = .convertToSnakeCase }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: strings.inf, negativeInfinity: strings.minusInf, nan: strings.nan)
        return e
    }
    static func decoder(snakeCase: Bool) -> JSONDecoder {
        let d = JSONDecoder()
        if snakeCase { d.keyDecodingStrategy = .convertFromSnakeCase }
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: strings.inf, negativeInfinity: strings.minusInf, nan: strings.nan)
        return d
    }

    /// The `format` field of the part file at `path`, nil when it cannot
    /// be read or is not a JSON object with one.
    package static func format(at path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { format(of: $0) }
    }

    /// The `format` field of a part file's JSON, nil when the data is not
    /// a JSON object with one.
    static func format(of data: Data) -> String? {
        struct Format: Decodable { var format: String? }
        return (try? JSONDecoder().decode(Format.self, from: data))?.format
    }

    /// The bytes of the part file at `path` after checking its `format`
    /// first, so a part of another version says so instead of failing on
    /// a field; `kind` and `writer` name it in messages.
    static func read(path: String, kind: String, writer: String, format: String) throws -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the part: \(FileProblem.reading(path, error))")])
        }
        guard let found = Self.format(of: data) else {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "not a \(kind) part file (expected JSON written by \(writer))")])
        }
        guard found == format else {
            throw InputError(issues: [InputIssue(file: path, key: "format", message: "'\(found)': this headroom reads \(format)")])
        }
        return data
    }
}
