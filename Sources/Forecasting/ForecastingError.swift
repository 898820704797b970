import Foundation

/// Why a forecast could not be trained, made, evaluated, loaded or saved;
/// each case names the file or option, the bad value and what was expected.
package enum ForecastingError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// A history is too short for what was asked.
    case tooFewPoints(series: String, count: Int, needed: Int, purpose: String)
    /// A horizon beyond what the model was trained for.
    case horizonTooLong(requested: Int, supported: Int)
    /// A setting outside its valid range.
    case invalidSetting(name: String, value: String, expected: String)
    /// A model file that cannot be read or does not match this version.
    case invalidModelFile(file: String, reason: String)
    /// A history that lacks the exogenous columns the model was trained with.
    case exogenousMismatch(series: String, expected: [String], got: [String])
    /// The series are not all on the same interval.
    case intervalMismatch(series: String, interval: Double, expected: Double)
    /// A history on another interval than the model was trained on.
    case modelIntervalMismatch(series: String, interval: Double, model: Double)
    /// An anchors file (`tools/forecast_anchors.py --out`) that cannot be used: `file:line` and why.
    case invalidAnchors(location: String, reason: String)

    /// The message the CLI prints: `file:line: column 'x': expected ..., got '...'` and the like.
    package var description: String {
        switch self {
        case let .tooFewPoints(series, count, needed, purpose):
            return "\(series): \(count) usable intervals, but \(purpose) needs at least \(needed)"
        case let .horizonTooLong(requested, supported):
            return "horizon \(requested) is longer than the model supports (at most \(supported) intervals; "
                + "train with --horizon \(requested) for more)"
        case let .invalidSetting(name, value, expected):
            return "\(name): expected \(expected), got '\(value)'"
        case let .invalidAnchors(location, reason):
            return "\(location): not usable as anchors: \(reason)"
        case let .invalidModelFile(file, reason):
            return "\(file): not a usable forecaster model: \(reason)"
        case let .exogenousMismatch(series, expected, got):
            return "\(series): the model needs exogenous columns [\(expected.joined(separator: ", "))], "
                + "the history has [\(got.joined(separator: ", "))]"
        case let .intervalMismatch(series, interval, expected):
            return "\(series): interval \(interval) s differs from the other histories' \(expected) s "
                + "(an --also history may instead be on a finer interval that divides it)"
        case let .modelIntervalMismatch(series, interval, model):
            return "\(series): the history has \(seconds(interval)) intervals, the model was trained on \(seconds(model)) "
                + "(expected a history on the model's interval, or a model trained on this one)"
        }
    }

    /// `3600` → `"3600-s"`.
    func seconds(_ s: Double) -> String { s == s.rounded() && abs(s) < 1e15 ? "\(Int(s))-s" : "\(s)-s" }

    /// Same as ``description``, for `localizedDescription`.
    package var errorDescription: String? { description }
}
