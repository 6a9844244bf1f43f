# Sourced by scripts/test.sh: starts a throwaway PostgreSQL (Debian's server, installed if
# missing) as the `postgres` user (root may not run it), on a free loopback port with a data
# directory under /tmp and `trust` auth, exports TRAILGUARD_POSTGRES_URL (the store tests create
# a fresh database each), and stops and removes it when the calling script exits.
# Needs scripts/lib/cleanup.sh sourced first.

start_postgres() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql \
      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }
  fi
  local bin port dir
  bin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d -t trailguard-pg.XXXXXX)
  chown postgres: "$dir"
  on_exit "runuser -u postgres -- '$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$dir'"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -F" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  export TRAILGUARD_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
