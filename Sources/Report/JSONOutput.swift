import Foundation

/// JSON as Headroom prints it: snake_case keys (from camelCase property
/// names), sorted keys so output is byte-identical across runs, and every
/// non-finite number (infinity, NaN) written as `null`, so the output is
/// always standard JSON that any parser reads.
///
/// Where a value can be non-finite it means "not defined", e.g. a 95%
/// confidence half-width from fewer than two batches with data, or a MASE on a
/// series with no seasonal variation: `null` says so instead of `inf`.
/// Every `--format json` and `plan.json` goes through ``encode(_:pretty:)``.
package enum JSONOutput {
    /// What the encoder writes for a non-finite number before it becomes
    /// `null`: a string no Headroom value holds.
    static let nonFiniteMarker = "\u{1}headroom-non-finite\u{1}"

    /// Encodes `value` as pretty-printed JSON text with sorted snake_case keys.
    package static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFiniteMarker, negativeInfinity: nonFiniteMarker, nan: nonFiniteMarker)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // The marker as the encoder escapes it, in quotes: a whole JSON string value.
        let quoted = String(decoding: try JSONEncoder().encode([nonFiniteMarker]), as: UTF8.self).dropFirst().dropLast()
        return text.replacingOccurrences(of: quoted, with: "null")
    }
}
