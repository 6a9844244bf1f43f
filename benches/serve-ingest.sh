#!/usr/bin/env bash
# Sustained HTTP ingest into `trailguard serve`: wrk (a second process) POSTs batches of 100
# unique CloudTrail EventBridge events on loopback for DURATION; then the queue drains and the
# script checks that every accepted event was processed (nothing lost).
# Baseline in the same run: `trailguard hunt` over the same events as files (no HTTP).
# Needs: a release build, wrk (Debian).
# Usage: benches/serve-ingest.sh [EVENTS] [DURATION] [STORE_URL]
# STORE_URL defaults to a new SQLite file; give an empty PostgreSQL database
# (postgres://USER@HOST:PORT/DB) to measure with PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cleanup.sh
source scripts/lib/serve.sh
events=${1:-200000}
duration=${2:-20s}
store_url=${3:-sqlite://state.db}
bin="$PWD/target/release/trailguard"
work=/tmp/trailguard-serve-bench
rm -rf "$work" && mkdir -p "$work/bodies"
[ -x "$bin" ] || cargo build --release -p trailguard
"$bin" simulate bulk --events "$events" --out "$work/bulk" --seed 3 2>/dev/null
python3 - "$work" <<'PY'
import glob, gzip, json, sys
work = sys.argv[1]
batch, n = [], 0
def flush():
    global batch, n
    with open(f"{work}/bodies/body-{n:05d}.json", "w") as f:
        json.dump(batch, f, separators=(",", ":"))
    batch, n = [], n + 1
for path in sorted(glob.glob(f"{work}/bulk/**/*.json.gz", recursive=True)):
    for r in json.load(gzip.open(path))["Records"]:
        batch.append({"version": "0", "id": r["eventID"], "detail-type": "AWS API Call via CloudTrail",
                      "source": "aws." + r["eventSource"].split(".")[0], "account": r.get("recipientAccountId", ""),
                      "time": r["eventTime"], "region": r["awsRegion"], "resources": [], "detail": r})
        if len(batch) == 100:
            flush()
if batch:
    flush()
print(f"{n} bodies of 100 events")
PY
cat > "$work/post.lua" <<'LUA'
local bodies, i = {}, 0
local dir = os.getenv("BODIES")
init = function(args)
  local n = 0
  while true do
    local f = io.open(string.format("%s/body-%05d.json", dir, n), "r")
    if not f then break end
    bodies[#bodies + 1] = f:read("*a"); f:close(); n = n + 1
  end
end
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/events",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench"}, bodies[i])
end
LUA
cat > "$work/trailguard.toml" <<TOML
[store]
url = "$store_url"
[serve]
reorder_window = "200ms"
queue_capacity = 100000
TOML

echo "== baseline: hunt over the same events as files"
/usr/bin/time -f "hunt: %e s, peak %M KiB" "$bin" hunt "$work/bulk" -q --format json >/dev/null

echo "== serve under wrk for $duration"
start_serve "$bin" "$work"
BODIES="$work/bodies" wrk -t1 -c4 -d"$duration" --latency -s "$work/post.lua" "$SERVE_URL/" | tee "$work/wrk.txt"
metric() { curl -s "$SERVE_URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
for _ in $(seq 1 600); do
  [ "$(metric trailguard_records_processed_total)" = "$(metric trailguard_events_received_total)" ] && break
  sleep 0.1
done
received=$(metric trailguard_events_received_total)
processed=$(metric trailguard_records_processed_total)
busy=$(curl -s "$SERVE_URL/metrics" | awk '$1 ~ /reason="busy"/ {print $2}')
seconds=$(grep -o 'requests in [0-9.]*[ms]*' "$work/wrk.txt" | awk '{print $3}')
echo "accepted events: $received, processed: $processed, 503 busy answers: $busy, wrk window: $seconds"
python3 -c "import sys; r=float(sys.argv[1]); d=sys.argv[2]; s=float(d[:-1])*(60 if d.endswith('m') else 1) if not d.endswith('ms') else float(d[:-2])/1000; print(f'sustained: {r/s:,.0f} events/s accepted and processed')" "$received" "$seconds"
[ "$received" = "$processed" ] && echo "nothing lost: every accepted event was processed" || { echo "LOST: $received accepted, $processed processed"; exit 1; }
kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true
