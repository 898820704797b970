import Workload

/// One problem in a scenario or profile file: where (file, line, key path),
/// the bad value, and what was expected. The same type as a CSV cell's
/// problem (``Workload/InputIssue``), so a schedule CSV's problems join its
/// scenario's.
package typealias ScenarioIssue = InputIssue

/// Every problem found in a file, reported together.
package typealias ScenarioError = InputError

extension Quantity {
    /// `NodeReader.swift` reads quantities with ``Workload/Units`` but does
    /// not import `Workload`; this alias lets it find them there.
    typealias Units = Workload.Units
}
