import Foundation
import Workload

/// The JSON form of every part file (sweeps' and plans'): sorted keys,
/// numbers in Swift's shortest round-trip form (reading gives back the same
/// bits), `inf`, `-inf` and `nan` as strings. Sweep parts' keys are in snake
/// case; plan parts keep the planner's own key names (snake case would not
/// read back acronyms such as `simulatedGPUHours`).
package enum PartCoding {
    private static let strings = (inf: "inf", minusInf: "-inf", nan: "nan")

    /// `value`'s part file text (one line of JSON and a newline).
    static func text<T: Encodable>(_ value: T, snakeCase: Bool) throws -> String {
        String(decoding: try encoder(snakeCase: snakeCase).encode(value), as: UTF8.self) + "\n"
    }

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

    /// The `format` field of a part file's JSON, nil when the data is not
    /// a JSON object with one.
    static func format(of data: Data) -> String? {
        struct Format: Decodable { var format: String? }
        return (try? JSONDecoder().decode(Format.self, from: data))?.format
    }

    /// The part file `file` decoded as `T`, after checking its `format`
    /// first, so a part of another version says so instead of failing on a
    /// field; `kind` and `writer` name it in messages.
    static func decode<T: Decodable>(_ type: T.Type, from file: PartFile, kind: String, writer: String, format: String,
                                     snakeCase: Bool) throws -> T {
        guard let found = file.format else {
            throw InputError(issues: [InputIssue(file: file.path, key: "", message: "not a \(kind) part file (expected JSON written by \(writer))")])
        }
        guard found == format else {
            throw InputError(issues: [InputIssue(file: file.path, key: "format", message: "'\(found)': this headroom reads \(format)")])
        }
        do {
            return try decoder(snakeCase: snakeCase).decode(T.self, from: file.data)
        } catch {
            throw InputError(issues: [InputIssue(file: file.path, key: "", message: "a damaged \(format) file: \(error)")])
        }
    }
}
