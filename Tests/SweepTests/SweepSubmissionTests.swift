import Sweep
import Testing
import Yams

@Suite struct SweepSubmissionTests {
    let submission = SweepSubmission(name: "Chat at 3x", sweepPath: "/shared/sweep.yaml", shards: 4, parallelism: nil,
                                     executable: "/opt/headroom", workingDirectory: "/shared", image: "headroom:1",
                                     volumeClaim: "sweep-data", version: "1")

    func file(_ name: String, _ engine: SweepSubmission.Engine) throws -> String {
        try #require(submission.files(for: engine, directory: "/shared/jobs").first { $0.name == name }?.text)
    }

    @Test func slurmRunsAnArrayAndMergesAfterEveryTaskSucceeded() throws {
        let array = try file("sweep.sbatch", .slurm)
        #expect(array.contains("#SBATCH --array=0-3\n"))
        #expect(array.contains("exec /opt/headroom sweep /shared/sweep.yaml --shard env/4 --jobs 1 --part /shared/jobs/parts/"))
        #expect(try file("merge.sbatch", .slurm).contains("exec /opt/headroom merge /shared/jobs/parts --format json --output /shared/jobs/result.json"))
        #expect(try file("submit.sh", .slurm).contains("sbatch --parsable --dependency=afterok:\"$array\" merge.sbatch"))
    }

    @Test func kubernetesRunsAnIndexedJobOnASharedVolume() throws {
        let job = try #require(try Yams.load(yaml: try file("sweep-job.yaml", .kubernetes)) as? [String: Any])
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(job["kind"] as? String == "Job")
        #expect(spec["completionMode"] as? String == "Indexed")
        #expect(spec["completions"] as? Int == 4)
        #expect(spec["parallelism"] as? Int == 4)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["args"] as? [String] == ["sweep", "/shared/sweep.yaml", "--shard", "env/4", "--jobs", "1", "--part", "/work/parts/"])
        let volume = try #require((pod["volumes"] as? [[String: Any]])?.first?["persistentVolumeClaim"] as? [String: Any])
        #expect(volume["claimName"] as? String == "sweep-data")
        #expect((job["metadata"] as? [String: Any])?["name"] as? String == "headroom-chat-at-3x")
        let merge = try #require(try Yams.load(yaml: try file("merge-job.yaml", .kubernetes)) as? [String: Any])
        #expect((merge["metadata"] as? [String: Any])?["name"] as? String == "headroom-chat-at-3x-merge")
    }
}
