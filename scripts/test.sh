#!/usr/bin/env bash
# Runs every test of the workspace, starting first whatever servers the tests need.
# Usage: scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

# SMTP server for the e-mail target tests (crates/respond/tests/targets_email.rs).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install -q --disable-pip-version-check aiosmtpd 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages aiosmtpd
fi

# Tests that need a server fail (never skip) when it is missing and CI=true.
cargo test --workspace --all-targets "$@"
