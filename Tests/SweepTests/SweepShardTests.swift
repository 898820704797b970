import Sweep
import Testing

@Suite struct SweepShardTests {
    @Test func readsAnExplicitShard() throws {
        #expect(try SweepShard(parsing: "2/7", environment: [:]) == SweepShard(index: 2, count: 7))
        #expect(throws: SweepError.self) { try SweepShard(parsing: "7/7", environment: [:]) }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "1/0", environment: [:]) }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "3", environment: [:]) }
    }

    @Test func readsTheIndexFromEachBatchSystem() throws {
        #expect(try SweepShard(parsing: "env/4", environment: ["JOB_COMPLETION_INDEX": "3"]) == SweepShard(index: 3, count: 4))
        #expect(try SweepShard(parsing: "env", environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]) == SweepShard(index: 1, count: 4))
        #expect(try SweepShard(parsing: "env", environment: ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "2"])
                == SweepShard(index: 1, count: 2))
        #expect(try SweepShard(parsing: "env/5", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "0"]) == SweepShard(index: 0, count: 5))
    }

    @Test func refusesAnEnvironmentThatDoesNotSayWhichShard() {
        #expect(throws: SweepError("--shard env: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set")) {
            try SweepShard(parsing: "env/4", environment: [:])
        }
        #expect(throws: SweepError("--shard env: the shard count is not in the environment; give it as env/N")) {
            try SweepShard(parsing: "env", environment: ["JOB_COMPLETION_INDEX": "0"])
        }
        #expect(throws: SweepError("--shard env/3: SLURM_ARRAY_TASK_COUNT is 4, not 3")) {
            try SweepShard(parsing: "env/3", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"])
        }
        #expect(throws: SweepError("--shard env/4: the index 4 is outside 0...3")) {
            try SweepShard(parsing: "env/4", environment: ["JOB_COMPLETION_INDEX": "4"])
        }
    }

    @Test func theShardsOfASplitTakeEveryRunOnce() {
        for n in [1, 2, 3, 7] {
            let owners = (0..<50).map { r in (0..<n).filter { SweepShard(index: $0, count: n).owns(run: r) } }
            #expect(owners.allSatisfy { $0.count == 1 })
        }
    }
}
