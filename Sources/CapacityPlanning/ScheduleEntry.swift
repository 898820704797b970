/// One step of a replica schedule: `replicas` in force over `[start, end)`
/// (seconds from the start of the horizon), planned for `expectedRate`.
public struct ScheduleEntry: Sendable, Equatable, Encodable {
    /// Start (s from the horizon's start).
    public var start: Double
    /// End (s, exclusive).
    public var end: Double
    /// Replicas in force.
    public var replicas: Int
    /// The load the interval holding `start` is planned for (requests/s, headroom included).
    public var expectedRate: Double

    /// An entry.
    public init(start: Double, end: Double, replicas: Int, expectedRate: Double) {
        self.start = start
        self.end = end
        self.replicas = replicas
        self.expectedRate = expectedRate
    }
}
