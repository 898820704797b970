/// A simulation model: the state of a system and how it reacts to its own
/// events. The model holds no engine code; it reads the clock and schedules
/// follow-up events through the ``Scheduler`` it is handed.
///
/// Events are small values (usually an enum whose payloads are integer ids),
/// handled with an exhaustive `switch`: no closure or class per event.
public protocol SimulationModel {
    /// The model's event type.
    associatedtype Event

    /// Reacts to `event`, which fires at `scheduler.now`.
    mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>)
}

/// The clock and event calendar as a model sees them while handling an event.
public struct Scheduler<Event> {
    /// The current simulated time.
    @inlinable public var now: SimulationTime { _now }
    @usableFromInline var _now: SimulationTime
    @usableFromInline var _queue: EventQueue<Event>

    @inlinable
    init() {
        _now = 0
        _queue = EventQueue()
    }

    /// Schedules `event` at absolute time `time` (never earlier than now).
    @inlinable
    public mutating func schedule(_ event: Event, at time: SimulationTime) {
        _queue.push(event, at: time < _now ? _now : time)
    }

    /// Schedules `event` after `delay` seconds (negative delays count as 0).
    @inlinable
    public mutating func schedule(_ event: Event, after delay: SimulationTime) {
        _queue.push(event, at: delay > 0 ? _now + delay : _now)
    }

    /// Number of pending events.
    @inlinable public var pendingCount: Int { _queue.count }

    /// Time of the next pending event, if any.
    @inlinable public var nextEventTime: SimulationTime? { _queue.peekTime }
}

/// The run loop: owns a model and its calendar and fires events in order.
///
/// ```swift
/// var sim = Simulation(model: QueueingStation(...))
/// sim.schedule(.arrival, at: 0)
/// sim.run(until: 3600)
/// print(sim.eventCount, sim.now)
/// ```
///
/// - Complexity: each event costs one heap pop, the model's handler, and a
///   heap push per event it schedules.
public struct Simulation<Model: SimulationModel> {
    /// The model under simulation; read its state after (or between) runs.
    public var model: Model
    /// The clock and the calendar.
    public var scheduler: Scheduler<Model.Event>
    /// Number of events fired so far.
    @inlinable public var eventCount: Int { _eventCount }
    @usableFromInline var _eventCount: Int

    /// A simulation at time 0 with an empty calendar.
    @inlinable
    public init(model: Model) {
        self.model = model
        self.scheduler = Scheduler()
        self._eventCount = 0
    }

    /// The current simulated time.
    @inlinable public var now: SimulationTime { scheduler.now }

    /// Schedules an event from outside the model (initial events).
    @inlinable
    public mutating func schedule(_ event: Model.Event, at time: SimulationTime) {
        scheduler.schedule(event, at: time)
    }

    /// Fires the next event. Returns `false` when the calendar is empty.
    @inlinable
    @discardableResult
    public mutating func step() -> Bool {
        guard let next = scheduler._queue.pop() else { return false }
        scheduler._now = next.time
        _eventCount &+= 1
        model.handle(next.event, scheduler: &scheduler)
        return true
    }

    /// Fires events until the next one lies after `end` (or none is left),
    /// then sets the clock to `end` (when finite). Events at exactly `end` fire.
    @inlinable
    public mutating func run(until end: SimulationTime) {
        while let t = scheduler._queue.peekTime, t <= end {
            step()
        }
        if scheduler._now < end && end.isFinite { scheduler._now = end }
    }

    /// Fires events while `condition` holds and the calendar is not empty.
    @inlinable
    public mutating func run(while condition: (Model) -> Bool) {
        while condition(model), step() {}
    }
}
