#!/usr/bin/env bash
# Runs every test of the workspace, starting first whatever servers the tests need:
#   - aiosmtpd (SMTP), started by the e-mail tests themselves once it is installed;
#   - moto's server (IAM, EC2, SNS, SQS, Lambda) on loopback for the live-AWS tests, which
#     find it through TRAILGUARD_MOTO_ENDPOINT;
#   - Debian's chromium and chromium-driver for the web console test (apt-get, as root);
#   - a throwaway PostgreSQL for the store's tests (TRAILGUARD_POSTGRES_URL).
# Every feature is built (the `aws` feature brings the AWS SDK), so those tests run.
# Usage: scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cleanup.sh
source scripts/lib/moto.sh
source scripts/lib/postgres.sh

if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  pip_install aiosmtpd
fi
start_moto

# Headless Chromium for the web console test (crates/console/tests/browser.rs).
if [ ! -x /usr/bin/chromedriver ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }
fi

# PostgreSQL for the store's tests (TRAILGUARD_POSTGRES_URL).
start_postgres

# Tests that need a server fail (never skip) when it is missing and CI=true.
cargo test --workspace --all-targets --all-features "$@"
