/// An attempt's passage through the fault filter's delay (`gateway.fault.delay`).
enum FaultHold: UInt8, Sendable {
    /// Not held: its route started at its send.
    case never
    /// Held now: sent by its client, not yet routed.
    case held
    /// Held, then let go: its route started the fault's delay after its send.
    case released
}
