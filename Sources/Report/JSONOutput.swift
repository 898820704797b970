import Foundation

/// JSON as Headroom prints it: snake_case keys (from camelCase property
/// names), sorted keys so output is byte-identical across runs, and
/// non-finite numbers written as `null`-free strings never appear because
/// callers pass finite values or optionals.
public enum JSONOutput {
    /// Encodes `value` as pretty-printed JSON text with sorted snake_case keys.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
