import SimulationCore

/// Tenants (or priority classes) sharing the traffic: each request belongs
/// to one, drawn by share.
package struct TenantMix: Sendable, Equatable {
    /// One tenant.
    package struct Tenant: Sendable, Equatable {
        /// Name shown in reports.
        package var name: String
        /// Share of the traffic (> 0; shares are normalised).
        package var share: Double
        /// Priority level, higher served first where the gateway honours it.
        package var priority: Int
        /// A tenant.
        package init(name: String, share: Double, priority: Int = 0) {
            self.name = name
            self.share = share
            self.priority = priority
        }
    }

    /// The tenants, in the order given.
    package let tenants: [Tenant]
    private let cumulative: [Double]

    /// A mix; at least one tenant.
    package init(_ tenants: [Tenant]) {
        precondition(!tenants.isEmpty, "a tenant mix needs at least one tenant")
        self.tenants = tenants
        let total = tenants.reduce(0) { $0 + $1.share }
        var acc = 0.0
        cumulative = tenants.map { acc += $0.share / total; return acc }
    }

    /// A single default tenant.
    package static let single = TenantMix([Tenant(name: "default", share: 1)])

    /// Draws a tenant index.
    package func sample(_ rng: inout RandomStream) -> Int {
        guard tenants.count > 1 else { return 0 }
        let u = rng.nextUniform()
        return cumulative.firstIndex { u < $0 } ?? tenants.count - 1
    }
}
