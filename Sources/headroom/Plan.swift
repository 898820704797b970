import ArgumentParser

/// `headroom plan`: capacity plans (`size`, the default, whose options
/// `plan --help` shows) and their back-test.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan replicas, schedules and autoscaler settings for SLA targets, verified by simulation.",
        subcommands: [PlanSize.self, PlanBacktest.self],
        defaultSubcommand: PlanSize.self
    )
}
