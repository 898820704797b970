#!/usr/bin/env bash
# A sharded sweep on a real Slurm cluster, checked against the local run:
#   1. brings up a single-node Slurm cluster on this machine (Debian's
#      slurm-wlm and munge, installed with apt-get when missing; needs root),
#      configured for a plain VM or container without cgroups
#      (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none,
#      SelectType=select/cons_tres), its files and state in a temporary folder;
#   2. writes the sweep's jobs with `headroom sweep --emit slurm` (4 shards)
#      and submits them: a 4-task array, then the merge job (afterok);
#   3. waits for both, and checks that the merged result.json equals the
#      local unsharded `headroom sweep --format json`, byte for byte;
#   4. does the same for a horizon plan: a job measures its capacity curve
#      (`headroom plan --curve-only`), a 2-task array verifies its tracks
#      (`--shard env --curve`) after it, and `headroom merge` runs afterok:
#      its stdout and every file of its --output directory must equal the
#      local plan's;
#   5. shuts the cluster down (also on failure).
# Usage: tools/slurm_test.sh [SWEEP.yaml]   (default examples/sweep/smoke.sweep.yaml)
# HEADROOM=path picks the binary (default .build/release/headroom).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sweep="$(cd "$(dirname "${1:-$root/examples/sweep/smoke.sweep.yaml}")" && pwd)/$(basename "${1:-smoke.sweep.yaml}")"
headroom="$(realpath "${HEADROOM:-$root/.build/release/headroom}")"
shards=4
[ "$(id -u)" = 0 ] || { echo "slurm_test: FAILED: needs root (it starts slurmctld, slurmd and munged)" >&2; exit 1; }
[ -x "$headroom" ] || { echo "slurm_test: FAILED: no headroom binary at $headroom (make build)" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm_test: installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work="$(mktemp -d /tmp/headroom-slurm.XXXXXX)"
chmod 755 "$work"
conf="$work/slurm.conf"
export SLURM_CONF="$conf"
munge_socket="$work/munge.socket"
cleanup() {
    status=$?
    scontrol shutdown >/dev/null 2>&1 || true
    # The daemons save their state as they stop: wait for them, then stop munged.
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
        [ -s "$f" ] || continue
        pid="$(cat "$f")"
        [ "$f" = "$work/munged.pid" ] && kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill "$pid" 2>/dev/null || true
    done
    if [ $status -ne 0 ]; then
        echo "slurm_test: logs in $work" >&2
        tail -n 20 "$work"/*.log "$work"/jobs/logs/* 2>/dev/null >&2 || true
    else
        rm -rf "$work" || true
    fi
    exit $status
}
trap cleanup EXIT

# munge: a private key and daemon, so nothing of the machine's is touched.
mkdir -p "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$work/munge" 2>/dev/null || true
chmod 700 "$work/munge"; chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$munge_socket" \
       --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed"

host="$(hostname -s)"
cpus="$(nproc)"
memory="$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)"
mkdir -p "$work/state" "$work/spool"
cat > "$conf" <<CONF
ClusterName=headroom-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=headroom Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 60); do
    state="$(sinfo -h -o %T 2>/dev/null || true)"
    [ "$state" = idle ] && break
    sleep 1
done
[ "$state" = idle ] || { echo "slurm_test: FAILED: the node did not come up (state '$state')" >&2; exit 1; }
echo "slurm_test: single-node cluster up ($host, $cpus CPUs, slurm $(sinfo -V | awk '{print $2}'))"

# Waits until the queue is empty (at most 10 minutes); $1 names the jobs.
wait_for_queue() {
    for _ in $(seq 600); do
        [ -z "$(squeue -h -o %i 2>/dev/null)" ] && return 0
        sleep 1
    done
    echo "slurm_test: FAILED: $1 still queued after 10 minutes" >&2
    squeue >&2
    exit 1
}
# The local, unsharded result first.
started=$(date +%s)
"$headroom" sweep "$sweep" --format json --output "$work/local.json"
echo "slurm_test: local unsharded run: $(( $(date +%s) - started )) s"

jobs="$work/jobs"
"$headroom" sweep "$sweep" --emit slurm "$jobs" --shards "$shards" --executable "$headroom" >/dev/null
started=$(date +%s)
"$jobs/submit.sh"
wait_for_queue jobs
echo "slurm_test: array of $shards shards and merge job done in $(( $(date +%s) - started )) s"
[ -s "$jobs/result.json" ] || { echo "slurm_test: FAILED: the merge job wrote no result.json" >&2; exit 1; }
ls "$jobs/parts" | sed 's/^/slurm_test: part /'
if cmp "$work/local.json" "$jobs/result.json"; then
    echo "slurm_test: passed: the merge of $shards Slurm shards equals the local run byte for byte ($(wc -c < "$jobs/result.json") bytes)"
else
    echo "slurm_test: FAILED: the merged result differs from the local run" >&2
    diff "$work/local.json" "$jobs/result.json" | head -20 >&2
    exit 1
fi
# A horizon plan: one job measures the capacity curve, a 2-task array
# verifies the plan's tracks with it, and a job merges the parts.
plan_args=(--scenario "$root/examples/servegen-plan.yaml" --history "$root/data/traces/servegen_m-large_per_hour.csv"
           --load-scale 0.02 --headroom 3x --sla default --horizon 4 --format json --output "$work/plan")
started=$(date +%s)
"$headroom" plan "${plan_args[@]}" > "$work/plan-local.json" 2>/dev/null
mv "$work/plan" "$work/plan-local"
echo "slurm_test: local unsharded plan: $(( $(date +%s) - started )) s"
mkdir -p "$work/plan-logs"
started=$(date +%s)
curve="$(sbatch --parsable --job-name=headroom-plan-curve --output="$work/plan-logs/curve.log" \
    --wrap "$(printf '%q ' "$headroom" plan "${plan_args[@]}" --curve-only --part "$work/plan-parts/")")"
array="$(sbatch --parsable --array=0-1 --dependency="afterok:$curve" --job-name=headroom-plan --output="$work/plan-logs/shard-%a.log" \
    --wrap "$(printf '%q ' "$headroom" plan "${plan_args[@]}" --shard env --curve "$work/plan-parts/plan-curve.json" --part "$work/plan-parts/")")"
sbatch --parsable --dependency="afterok:$array" --job-name=headroom-plan-merge --output="$work/plan-logs/merge.log" \
    --wrap "$(printf '%q ' "$headroom" merge "$work/plan-parts") > $(printf '%q' "$work/plan-merged.json")" >/dev/null
wait_for_queue "plan jobs"
echo "slurm_test: plan curve job, array of 2 shards and merge job done in $(( $(date +%s) - started )) s"
ls "$work/plan-parts" | sed 's/^/slurm_test: plan part /'
if [ -s "$work/plan-merged.json" ] && cmp "$work/plan-local.json" "$work/plan-merged.json" && diff -r "$work/plan-local" "$work/plan" >/dev/null; then
    grep -q 'the capacity curve from' "$work/plan-logs/shard-0.log" || { echo "slurm_test: FAILED: the shards did not read the measured curve" >&2; exit 1; }
    echo "slurm_test: passed: the merge of 2 Slurm plan shards (one curve) equals the local plan byte for byte (stdout and $(ls "$work/plan" | wc -l) files)"
else
    echo "slurm_test: FAILED: the merged plan differs from the local one" >&2
    cat "$work/plan-logs/"*.log >&2 || true
    diff "$work/plan-local.json" "$work/plan-merged.json" | head -20 >&2 || true
    diff -r "$work/plan-local" "$work/plan" | head -20 >&2 || true
    exit 1
fi
