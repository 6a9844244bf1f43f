#!/usr/bin/env bash
# Whole-process benchmark of `trailguard hunt` on `simulate bulk`, with its baselines measured
# in the same run: decompression alone (libdeflate-gunzip and GNU zcat, two processes each)
# and DuckDB running the equivalent query. Results go to stdout as a Markdown table.
#
# Needs: a release build, libdeflate-tools and hyperfine (Debian), duckdb (PyPI).
# Usage: benches/hunt-whole-process.sh [EVENTS] [DIR]   (defaults: 1000000, /tmp/trailguard-bulk)
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
dir=${2:-/tmp/trailguard-bulk}
bin=./target/release/trailguard
runs=${RUNS:-5}

[ -x "$bin" ] || cargo build --release -p trailguard
marker="$dir.events-$events"   # beside the data, not in it: hunt would read it
if [ ! -f "$marker" ]; then
    rm -rf "$dir" "$dir".events-*
    "$bin" simulate bulk --events "$events" --out "$dir" --seed 1
    touch "$marker"
fi
find "$dir" -name '*.json.gz' | sort > /tmp/trailguard-bench-files
gz_bytes=$(xargs cat < /tmp/trailguard-bench-files | wc -c)
json_bytes=$(xargs cat < /tmp/trailguard-bench-files | gzip -dc | wc -c)
echo "files: $(wc -l < /tmp/trailguard-bench-files), events: $events, gzip: $gz_bytes bytes, json: $json_bytes bytes" >&2

duckdb_query="SELECT r.userIdentity.arn AS session, r.sourceIPAddress AS ip, count(*) AS calls
FROM (SELECT unnest(Records) AS r FROM read_json('$dir/AWSLogs/**/*.json.gz', maximum_object_size=1000000000))
WHERE r.userIdentity.type = 'AssumedRole' AND r.userIdentity.arn LIKE '%/i-%'
GROUP BY ALL"

hyperfine --runs "$runs" --warmup 1 --export-json /tmp/trailguard-bench.json \
    -n "trailguard hunt" "$bin hunt $dir --format jsonl -q > /dev/null" \
    -n "libdeflate-gunzip x2" "xargs -P2 -n 64 libdeflate-gunzip -c < /tmp/trailguard-bench-files > /dev/null" \
    -n "zcat x2" "xargs -P2 -n 64 zcat < /tmp/trailguard-bench-files > /dev/null" \
    -n "duckdb" "python3 -c \"import duckdb; duckdb.sql('''$duckdb_query''').fetchall()\"" >&2

peak_kb=$( { /usr/bin/time -f "%M" "$bin" hunt "$dir" --format jsonl -q > /dev/null; } 2>&1 | tail -1)
echo "trailguard hunt peak RSS: $((peak_kb / 1024)) MiB" >&2

python3 - "$events" "$json_bytes" <<'PY'
import json, sys
events, json_bytes = int(sys.argv[1]), int(sys.argv[2])
results = {r["command"]: r for r in json.load(open("/tmp/trailguard-bench.json"))["results"]}
hunt = results["trailguard hunt"]["median"]
print("| command | median s | events/s | MB/s (JSON) | hunt ÷ this |")
print("|---|---|---|---|---|")
for name, r in results.items():
    m = r["median"]
    print(f"| {name} | {m:.2f} | {events / m:,.0f} | {json_bytes / 1e6 / m:,.0f} | {hunt / m:.2f} |")
PY
