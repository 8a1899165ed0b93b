#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the scale-out tests.
#   functions/test/postgres.sh start   installs Debian's postgresql with apt-get if missing, starts a fresh
#                                      server and prints "export MONDRIAN_TEST_POSTGRES_URL=..." for eval
#   functions/test/postgres.sh stop    stops it and deletes its files
# The server's files live in a temporary folder (recorded in functions/target/postgres.dir); as root it runs as
# the postgres user, since PostgreSQL refuses to run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
state=target/postgres.dir

bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  [[ -n "$initdb" ]] && dirname "$initdb"
}

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [[ -z "$(bin_dir)" ]]; then
      echo "scale-out tests: installing postgresql with apt-get" >&2
      sudo=""
      [[ $(id -u) -eq 0 ]] || sudo="sudo"
      $sudo apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    fi
    bin=$(bin_dir)
    [[ -n "$bin" ]] || { echo "postgres.sh: no initdb after installing postgresql" >&2; exit 1; }
    [[ ! -f $state ]] || "$0" stop
    dir=$(mktemp -d /tmp/mondrian-postgres.XXXXXX)
    [[ $(id -u) -ne 0 ]] || chown postgres "$dir"
    mkdir -p target && echo "$dir" > $state
    trap '"$0" stop' ERR # a failed start leaves nothing behind
    as_server "$bin/initdb" -D "$dir/data" -U mondrian --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; false; }
    # Below Linux's ephemeral range (32768+), where an outgoing connection's port could be taken; and if a
    # port is taken anyway, the next one.
    started=""
    for port in $(seq 25432 25451); do
      (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && continue
      # Loopback only, the socket in its own folder, durability traded for speed: the data is thrown away.
      if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
          -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >&2; then
        started=$port
        break
      fi
    done
    [[ -n "$started" ]] || { cat "$dir/server.log" >&2; false; }
    port=$started
    echo "$port" > "$dir/port"
    echo "export MONDRIAN_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:$port/postgres?user=mondrian"
    ;;
  stop)
    [[ -f $state ]] || exit 0
    dir=$(cat $state)
    bin=$(bin_dir)
    if [[ -d "$dir/data" && -n "$bin" ]]; then
      as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" $state
    ;;
  *)
    echo "usage: functions/test/postgres.sh start|stop" >&2
    exit 2
    ;;
esac
