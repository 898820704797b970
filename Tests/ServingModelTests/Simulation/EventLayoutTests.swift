@testable import SimulationCore
import Testing
@testable import ServingModel

/// The engine rule that events carry only small integer ids: the event
/// enum stays 17 bytes (its largest payload, an id, an incarnation and a
/// time, plus the case tag), so a queue entry (time, sequence, event)
/// stays 40 bytes whatever components the model grows.
struct EventLayoutTests {
    @Test func anEventIsSeventeenBytesAndAQueueEntryForty() {
        #expect(MemoryLayout<ServingSimulation.Event>.size == 17)
        #expect(MemoryLayout<EventQueue<ServingSimulation.Event>.Entry>.stride == 40)
    }
}
