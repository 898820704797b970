/// One step of a replica schedule: `replicas` in force over `[start, end)`
/// (seconds from the start of the horizon), planned for `expectedRate`.
package struct ScheduleEntry: Sendable, Equatable, Encodable {
    /// Start (s from the horizon's start).
    package var start: Double
    /// End (s, exclusive).
    package var end: Double
    /// Replicas in force.
    package var replicas: Int
    /// The load the interval holding `start` is planned for (requests/s, headroom included).
    package var expectedRate: Double

    /// An entry.
    package init(start: Double, end: Double, replicas: Int, expectedRate: Double) {
        self.start = start
        self.end = end
        self.replicas = replicas
        self.expectedRate = expectedRate
    }
}
