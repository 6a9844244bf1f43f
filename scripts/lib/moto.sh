# Sourced by scripts/test.sh and benches/respond-latency.sh: installs moto's server if it is
# missing, starts it on a free loopback port, exports TRAILGUARD_MOTO_ENDPOINT and moto's fake
# credentials (so nothing the tests run can reach a real AWS account), and stops the server
# when the calling script exits. Needs scripts/lib/cleanup.sh sourced first.

pip_install() {
  python3 -m pip install -q --disable-pip-version-check "$@" 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages "$@"
}

start_moto() {
  if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import moto.server' 2>/dev/null; then
    pip_install 'moto[server]'
  fi
  local port log
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  log=$(mktemp -t trailguard-moto.XXXXXX.log)
  MOTO_EC2_LOAD_DEFAULT_AMIS=false moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  on_exit "kill $MOTO_PID 2>/dev/null; rm -f '$log'"
  export TRAILGUARD_MOTO_ENDPOINT="http://127.0.0.1:$port"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  unset AWS_PROFILE AWS_SESSION_TOKEN
  for _ in $(seq 1 100); do
    if curl -sf "$TRAILGUARD_MOTO_ENDPOINT/moto-api/" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "moto_server did not answer on $TRAILGUARD_MOTO_ENDPOINT:" >&2
  cat "$log" >&2
  return 1
}
