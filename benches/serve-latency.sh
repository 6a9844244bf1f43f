#!/usr/bin/env bash
# Latency from an attacker's CloudTrail event arriving at `trailguard serve` over HTTP to the
# remediation's first API call, under a background load of 1,000 events/s (a second process).
# SAMPLES attacks, each on its own role and instance (so each raises a new finding and gets
# its own remediation): the instance's own call is sent first (it locks the session to the
# instance's AWS address), then, timed, the attacker's call from outside AWS. The remediation
# (`revoke-role-sessions`, dry-run, on a generated account snapshot holding the roles) records
# its plan when its first call is made; latency = that time − the time the attacker's POST
# started. Baseline in the same run: the round trip of a POST /v1/events of one benign event.
# Needs: a release build, python3.
# Usage: benches/serve-latency.sh [SAMPLES] [WINDOW] [STORE_URL]
# STORE_URL defaults to a new SQLite file; give an empty PostgreSQL database to measure with it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cleanup.sh
source scripts/lib/serve.sh
samples=${1:-200}
window=${2:-20ms}
store_url=${3:-sqlite://state.db}
bin="$PWD/target/release/trailguard"
work=/tmp/trailguard-latency-bench
rm -rf "$work" && mkdir -p "$work/account"
[ -x "$bin" ] || cargo build --release -p trailguard
"$bin" simulate workshop --out "$work/sim" 2>/dev/null
"$bin" simulate bulk --events 200000 --out "$work/bulk" --seed 4 2>/dev/null
cat > "$work/trailguard.toml" <<TOML
[store]
url = "$store_url"
[aws]
snapshot = "account"
[serve]
reorder_window = "$window"
TOML
cat benches/workshop-dry-run-rule.toml >> "$work/trailguard.toml"
start_serve "$bin" "$work"
python3 benches/serve-latency.py "$work" "$SERVE_URL" "$samples"
