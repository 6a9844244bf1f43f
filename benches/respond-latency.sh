#!/usr/bin/env bash
# Latency from a finding entering the router to the remediation's first API call, against
# live AWS played by moto: 1,000 findings, median and p99 (crates/respond/benches/latency_moto.rs).
# Needs: python3 (moto is installed if missing). Usage: benches/respond-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cleanup.sh
source scripts/lib/moto.sh
start_moto
cargo bench -p respond --features aws --bench latency_moto
