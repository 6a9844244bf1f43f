# Sourced by the `serve` benchmarks: `start_serve BIN DIR` starts `BIN serve` in DIR (its
# trailguard.toml) on a free loopback port with the API token `bench`, waits until it listens,
# and sets SERVE_URL and SERVE_PID; the server is stopped when the calling script exits.
# Needs scripts/lib/cleanup.sh sourced first.

start_serve() {
  local bin=$1 dir=$2 pid
  (cd "$dir" && TRAILGUARD_API_TOKEN=bench exec "$bin" serve --listen 127.0.0.1:0 >serve.out 2>serve.err) &
  pid=$!
  on_exit "kill $pid 2>/dev/null"
  for _ in $(seq 1 100); do
    SERVE_URL=$(sed -n 's/^listening on //p' "$dir/serve.out" 2>/dev/null)
    if [ -n "$SERVE_URL" ]; then
      SERVE_PID=$pid
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "serve did not start:" >&2
  cat "$dir/serve.err" >&2
  return 1
}
