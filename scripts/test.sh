#!/usr/bin/env bash
# Runs every test of the workspace, starting first whatever servers the tests need.
# Usage: scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests that need a server fail (never skip) when it is missing and CI=true.
cargo test --workspace --all-targets "$@"
