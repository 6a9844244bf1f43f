#!/usr/bin/env bash
# Whole-process benchmark of the compiled matcher: `trailguard pattern match` over CloudTrail
# records (JSON Lines from `simulate bulk`) with 1, 100 and 10,000 rules, JSON parsing included.
# Baselines in the same run: the same command with no rule (reading and line splitting only)
# and Python's json.loads of every line (a JSON parse, no matching).
# Needs: a release build, hyperfine (Debian). Usage: benches/pattern-whole-process.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-200000}
bin=./target/release/trailguard
work=/tmp/trailguard-pattern-bench
mkdir -p "$work"
[ -x "$bin" ] || cargo build --release -p trailguard
if [ ! -f "$work/events-$events.jsonl" ]; then
    rm -rf "$work/bulk"
    "$bin" simulate bulk --events "$events" --out "$work/bulk" --seed 2 2>/dev/null
    find "$work/bulk" -name '*.json.gz' | sort | python3 -c 'import gzip,json,sys
for path in sys.stdin:
    for r in json.load(gzip.open(path.strip()))["Records"]:
        print(json.dumps(r, separators=(",", ":")))' > "$work/events-$events.jsonl"
fi
python3 - "$work" <<'PY'
import json, sys, random
work = sys.argv[1]
random.seed(5)
sources = ["ec2", "s3", "iam", "sts", "dynamodb", "ssm", "kms", "lambda", "logs", "sns"]
names = ["Describe", "List", "Get", "Put", "Create", "Delete", "Update", "Assume", "Run", "Stop"]
def exact_prefix_suffix_exists(i):
    kind = i % 4
    if kind == 0:
        return {"eventSource": [f"{random.choice(sources)}{i}.amazonaws.com"], "eventName": [f"{random.choice(names)}Thing{i}"]}
    if kind == 1:
        return {"eventName": [{"prefix": f"{random.choice(names)}{i}"}]}
    if kind == 2:
        return {"userAgent": [{"suffix": f"agent-{i}"}], "awsRegion": ["us-east-1"]}
    return {"userIdentity": {"type": ["AssumedRole"], "sessionContext": {"ec2RoleDelivery": [{"exists": True}]}}, "eventName": [f"Op{i}"]}
for n in (1, 100, 10000):
    rules = {f"rule-{i}": exact_prefix_suffix_exists(i) for i in range(n)}
    json.dump(rules, open(f"{work}/rules-{n}.json", "w"))
json.dump({}, open(f"{work}/rules-0.json", "w"))
PY
lines=$(wc -l < "$work/events-$events.jsonl")
bytes=$(wc -c < "$work/events-$events.jsonl")
echo "events: $lines, bytes: $bytes" >&2
hyperfine --runs "${RUNS:-5}" --warmup 1 --export-json "$work/result.json" \
    -n "0 rules (floor)" "$bin pattern match --rules $work/rules-0.json --events $work/events-$events.jsonl > /dev/null 2>&1" \
    -n "1 rule" "$bin pattern match --rules $work/rules-1.json --events $work/events-$events.jsonl > /dev/null 2>&1" \
    -n "100 rules" "$bin pattern match --rules $work/rules-100.json --events $work/events-$events.jsonl > /dev/null 2>&1" \
    -n "10000 rules" "$bin pattern match --rules $work/rules-10000.json --events $work/events-$events.jsonl > /dev/null 2>&1" \
    -n "python json.loads" "python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' $work/events-$events.jsonl" >&2
python3 - "$lines" "$bytes" "$work/result.json" <<'PY'
import json, sys
lines, size = int(sys.argv[1]), int(sys.argv[2])
print("| command | median s | events/s | MB/s |")
print("|---|---|---|---|")
for r in json.load(open(sys.argv[3]))["results"]:
    m = r["median"]
    print(f"| {r['command']} | {m:.3f} | {lines / m:,.0f} | {size / 1e6 / m:,.0f} |")
PY
