import Foundation
import Report

/// The batch jobs that run a sweep's shards and merge their parts, for
/// `headroom sweep --emit slurm|kubernetes DIR`.
///
/// - Slurm: `sweep.sbatch`, a job array of `shards` tasks, each running
///   `headroom sweep --shard env` into `DIR/parts/`; `merge.sbatch`, which
///   merges them into `DIR/result.json`; and `submit.sh`, which submits the
///   array and then the merge job with `--dependency=afterok:<array>`, so
///   the merge runs only when every task succeeded.
/// - Kubernetes: `pvc.yaml`, a ReadWriteMany volume holding the inputs and
///   the parts; `sweep-job.yaml`, an Indexed Job (`completionMode:
///   Indexed`, `completions` = shards) whose pods read their shard from
///   `JOB_COMPLETION_INDEX`; `merge-job.yaml`, the merge Job; and
///   `submit.sh`, which applies the Indexed Job, waits for it to complete
///   (`kubectl wait --for=condition=complete`) and then applies the merge.
package struct SweepSubmission: Sendable {
    /// Which batch system.
    package enum Engine: String, Sendable, CaseIterable {
        case slurm, kubernetes
    }

    /// The sweep's name (job names).
    package var name: String
    /// The sweep file's path as the jobs see it: absolute for Slurm (a
    /// shared file system), relative to the volume's root for Kubernetes.
    package var sweepPath: String
    /// The number of shards (array tasks, completions).
    package var shards: Int
    /// Shards running at once (Kubernetes `parallelism`, Slurm `%limit`;
    /// nil: all).
    package var parallelism: Int?
    /// The headroom executable on the nodes (Slurm).
    package var executable: String
    /// The working directory of the jobs (Slurm).
    package var workingDirectory: String
    /// The container image (Kubernetes).
    package var image: String
    /// The PersistentVolumeClaim's name (Kubernetes).
    package var volumeClaim: String
    /// Headroom's version (labels).
    package var version: String

    /// Jobs for the sweep `name` (see the properties).
    package init(name: String, sweepPath: String, shards: Int, parallelism: Int?, executable: String, workingDirectory: String,
                 image: String, volumeClaim: String, version: String) {
        self.name = name
        self.sweepPath = sweepPath
        self.shards = shards
        self.parallelism = parallelism
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.image = image
        self.volumeClaim = volumeClaim
        self.version = version
    }

    /// The files for `engine`, as (text, file name) pairs; `directory` is
    /// where they will be written (absolute), for the Slurm scripts' paths.
    package func files(for engine: Engine, directory: String) -> [(text: String, name: String)] {
        switch engine {
        case .slurm: return slurm(directory: directory)
        case .kubernetes: return kubernetes()
        }
    }

    /// A Kubernetes object name from the sweep's: lower-case letters,
    /// digits and `-`, at most 40 characters, so suffixes fit 63.
    var jobName: String {
        let cleaned = name.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber ? $0 : "-" }
        let trimmed = String(cleaned).split(separator: "-").joined(separator: "-").prefix(40)
        return trimmed.isEmpty ? "sweep" : String(trimmed)
    }

    private func shellQuoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func slurm(directory: String) -> [(text: String, name: String)] {
        let dir = shellQuoted(directory)
        let exe = shellQuoted(executable), sweep = shellQuoted(sweepPath), work = shellQuoted(workingDirectory)
        let limit = parallelism.map { "%\($0)" } ?? ""
        let array = """
            #!/bin/bash
            # headroom \(version): the \(shards) shards of sweep '\(name)' as a Slurm job array.
            # Each task runs one shard on one core and writes its part file; submit.sh
            # submits this array, then merge.sbatch with --dependency=afterok.
            #SBATCH --job-name=headroom-\(jobName)
            #SBATCH --array=0-\(shards - 1)\(limit)
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(directory)/logs/shard-%a.out
            set -euo pipefail
            cd \(work)
            export OPENBLAS_NUM_THREADS=1
            exec \(exe) sweep \(sweep) --shard env/\(shards) --jobs 1 --part \(dir)/parts/

            """
        let merge = """
            #!/bin/bash
            # headroom \(version): merges the \(shards) parts of sweep '\(name)' into result.json
            # (byte-identical to the unsharded run's --format json). Refuses a missing,
            # duplicate or mismatched part.
            #SBATCH --job-name=headroom-\(jobName)-merge
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(directory)/logs/merge.out
            set -euo pipefail
            cd \(work)
            exec \(exe) merge \(dir)/parts --format json --output \(dir)/result.json

            """
        let submit = """
            #!/bin/bash
            # Submits sweep '\(name)': the shard array, then the merge job once every task succeeded.
            set -euo pipefail
            cd "$(dirname "$0")"
            mkdir -p logs parts
            array=$(sbatch --parsable sweep.sbatch)
            array=${array%%;*}
            merge=$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)
            echo "submitted: array job $array (\(shards) tasks), merge job ${merge%%;*}; result: \(directory)/result.json"

            """
        return [(array, "sweep.sbatch"), (merge, "merge.sbatch"), (submit, "submit.sh")]
    }

    private func kubernetes() -> [(text: String, name: String)] {
        let labels = """
              labels:
                app.kubernetes.io/name: headroom
                app.kubernetes.io/version: \(ManifestYAML.quote(version))
                headroom.dev/sweep: \(jobName)
            """
        func pod(_ container: String, _ args: [String], cpu: String) -> String {
            """
              template:
                metadata:
            \(labels.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                spec:
                  restartPolicy: Never
                  containers:
                    - name: \(container)
                      image: \(ManifestYAML.quote(image))
                      workingDir: /work
                      command: ["headroom"]
                      args: [\(args.map(ManifestYAML.quote).joined(separator: ", "))]
                      env:
                        - name: OPENBLAS_NUM_THREADS
                          value: "1"
                      resources:
                        requests: {cpu: "\(cpu)", memory: 512Mi}
                        limits: {memory: 2Gi}
                      volumeMounts:
                        - {name: work, mountPath: /work}
                  volumes:
                    - name: work
                      persistentVolumeClaim: {claimName: \(ManifestYAML.quote(volumeClaim))}
            """
        }
        let pvc = """
            # The shared volume: copy the sweep file, its scenario and profiles onto it
            # (their paths relative to its root, as on your machine), and the shards
            # write their parts to parts/ on it.
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: \(ManifestYAML.quote(volumeClaim))
            \(labels)
            spec:
              accessModes: [ReadWriteMany]
              resources:
                requests: {storage: 1Gi}

            """
        let job = """
            # headroom \(version): the \(shards) shards of sweep '\(name)' as an Indexed Job;
            # each pod reads its shard from JOB_COMPLETION_INDEX and writes /work/parts/part-K-of-\(shards).json.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: headroom-\(jobName)
            \(labels)
            spec:
              completionMode: Indexed
              completions: \(shards)
              parallelism: \(parallelism ?? shards)
              backoffLimitPerIndex: 2
              maxFailedIndexes: 0
            \(pod("shard", ["sweep", sweepPath, "--shard", "env/\(shards)", "--jobs", "1", "--part", "/work/parts/"], cpu: "1"))

            """
        let merge = """
            # headroom \(version): merges the parts of sweep '\(name)' into /work/result.json;
            # submit.sh applies it once the Indexed Job has completed.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: headroom-\(jobName)-merge
            \(labels)
            spec:
              completions: 1
              backoffLimit: 2
            \(pod("merge", ["merge", "/work/parts", "--format", "json", "--output", "/work/result.json"], cpu: "1"))

            """
        let submit = """
            #!/bin/bash
            # Runs sweep '\(name)' on the current kubectl context: the volume, the shards
            # (an Indexed Job), then the merge once every index has succeeded.
            set -euo pipefail
            cd "$(dirname "$0")"
            kubectl apply -f pvc.yaml
            echo "copy the sweep's inputs onto the volume \(volumeClaim) (mkdir parts/ there), then press enter"; read -r
            kubectl apply -f sweep-job.yaml
            kubectl wait --for=condition=complete --timeout=24h job/headroom-\(jobName)
            kubectl apply -f merge-job.yaml
            kubectl wait --for=condition=complete --timeout=1h job/headroom-\(jobName)-merge
            echo "result: result.json on the volume \(volumeClaim)"

            """
        return [(pvc, "pvc.yaml"), (job, "sweep-job.yaml"), (merge, "merge-job.yaml"), (submit, "submit.sh")]
    }
}
