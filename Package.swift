// swift-tools-version: 6.1
// Headroom: capacity planning and overload simulation for LLM inference services.
// One target per concern; docs/architecture.md says what each owns.
// No unsafe flags: another package can depend on SimulationCore, and any
// platform Swift supports can build it (docs/decisions: portable build).
import PackageDescription

let package = Package(
    name: "Headroom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "headroom", targets: ["headroom"]),
        .library(name: "SimulationCore", targets: ["SimulationCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // OpenBLAS through its CBLAS header; only Forecasting imports it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib's gzip interface; Workload streams .gz inputs through it.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // The domain-free discrete-event engine.
        .target(
            name: "SimulationCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")]
        ),
        .testTarget(name: "SimulationCoreTests", dependencies: ["SimulationCore"]),

        // What arrives: arrival processes, request sizes, tenants, trace readers;
        // and in Files/ the input and output files every layer shares: line and
        // CSV readers, units, atomic output files.
        .target(name: "Workload", dependencies: ["SimulationCore", "CZlib"]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload", "CZlib", "TestSupport"]),

        // The LLM service as a simulation model.
        .target(
            name: "ServingModel",
            dependencies: ["SimulationCore", "Workload", .product(name: "DequeModule", package: "swift-collections")]
        ),
        // Its folders mirror the model's; behaviour tests run scenario text
        // through the Scenario loader (TestSupport's ScenarioRunner).
        .testTarget(name: "ServingModelTests", dependencies: ["ServingModel", "Scenario", "Forecasting", "Report", "Workload", "SimulationCore",
                                                       "TestSupport"]),

        // Fitting hardware profiles and service factors to a user's own measurements.
        // Its CSV inputs are read with Workload's CSVTable; measurement files
        // (inference-perf folders, benchmark JSON) with Yams.
        .target(name: "Calibration", dependencies: ["ServingModel", "Workload", "SimulationCore", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Scenario", "ServingModel", "Workload", "SimulationCore", "TestSupport",
                                                      .product(name: "Yams", package: "Yams")],
                    exclude: ["Fixtures"]),

        // Profiles from a model's config.json and a GPU's datasheet: roofline
        // terms scaled by each GPU family's fitted efficiencies.
        .target(name: "ModelProfiles", dependencies: ["ServingModel"]),
        .testTarget(name: "ModelProfilesTests", dependencies: ["ModelProfiles", "ServingModel", "TestSupport"]),

        // The fidelity benchmark: measured vLLM runs (inference-perf folders)
        // replayed on profiles generated from the models' configs.
        .target(name: "Fidelity", dependencies: ["Calibration", "ModelProfiles", "Scenario", "ServingModel"]),
        .testTarget(name: "FidelityTests", dependencies: ["Fidelity", "Calibration", "ModelProfiles", "TestSupport"]),

        // Scenario files: schema, units, validation with precise errors.
        .target(
            name: "Scenario",
            dependencies: ["ServingModel", "ModelProfiles", "Workload", "SimulationCore", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Forecasting", "ServingModel", "SimulationCore", "Workload", "Report", "TestSupport",
                                                   .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),

        // Rendering of results: terminal tables, JSON, CSV; the summaries of
        // calibrate, plan and case-studies, so the commands stay thin.
        .target(name: "Report", dependencies: ["ServingModel", "CapacityPlanning", "Calibration", "Scenario", "Workload", "SimulationCore"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "CapacityPlanning", "Calibration", "Scenario", "ServingModel", "Workload",
                                                 "TestSupport", .product(name: "Yams", package: "Yams")]),

        // Load forecasting: LSTM on OpenBLAS, baselines, selection, evaluation.
        // Its gate loops use portable SIMD types; `make build` adds AVX2/FMA on
        // x86-64 machines that have them (see Makefile), nothing here does.
        .target(
            name: "Forecasting",
            dependencies: ["COpenBLAS", "Workload", "SimulationCore"]
        ),
        .testTarget(name: "ForecastingTests", dependencies: ["Forecasting", "Workload", "SimulationCore", "TestSupport"]),

        // The capacity planner: SLA-driven replica search verified by simulation.
        .target(
            name: "CapacityPlanning",
            dependencies: ["ServingModel", "Workload", "SimulationCore", "Forecasting"]
        ),
        .testTarget(name: "CapacityPlanningTests", dependencies: ["CapacityPlanning", "Scenario"]),

        // Sweeps: a scenario's keys varied over axes and seeds, run whole or
        // in shards whose part files merge to the same bytes, and the batch
        // jobs (Slurm, Kubernetes) that run the shards.
        .target(name: "Sweep", dependencies: ["CapacityPlanning", "Scenario", "ServingModel", "Report", "Workload", "SimulationCore", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "CapacityPlanning", "Scenario", "ServingModel", "SimulationCore", "Workload", "TestSupport"]),

        // What the test targets share, and only they: the repository root and
        // its data (TestData), and one scenario runner (ScenarioRunner).
        .target(name: "TestSupport", dependencies: ["Scenario", "ServingModel", "Workload"], path: "Tests/TestSupport"),

        // The fuzzing harness behind `make fuzz`: seeded mutants of each
        // parser's corpus (fuzz/corpus), findings kept in fuzz/findings.
        .executableTarget(
            name: "headroom-fuzz",
            dependencies: ["Scenario", "Workload", "ServingModel", "Forecasting", "Calibration", "CapacityPlanning", "Sweep",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/HeadroomFuzz"
        ),

        // The command-line tool: one file per subcommand.
        .executableTarget(
            name: "headroom",
            dependencies: [
                "SimulationCore",
                "Workload",
                "ServingModel",
                "Calibration",
                "ModelProfiles",
                "Fidelity",
                "Scenario",
                "Report",
                "Forecasting",
                "CapacityPlanning",
                "Sweep",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
