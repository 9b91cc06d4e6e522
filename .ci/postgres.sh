#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for Doppel's tests and prints the line that points the tests at it:
#
#   eval "$(bash .ci/postgres.sh)"        # installs Debian's postgresql if needed, starts, exports DOPPEL_TEST_POSTGRES
#   bash .ci/postgres.sh stop             # stops the cluster (its files stay until `clean`)
#   bash .ci/postgres.sh clean            # stops it and deletes its directory
#
# The cluster listens on 127.0.0.1 only, on a free port, with its files in $DOPPEL_PG_DIR (default
# /tmp/doppel-postgres) and its socket in the same folder. It is for tests: fsync is off, so a crash of the
# machine may lose it, which is fine for data the tests throw away. Run again while it is up, the script prints
# the same line without starting anything. Only the export line goes to stdout; progress goes to stderr.
set -euo pipefail

dir=${DOPPEL_PG_DIR:-/tmp/doppel-postgres}
data="$dir/data"
env_file="$dir/test.env"
role=doppel_test
database=doppel_test

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$candidate" ] && [ -x "$candidate/pg_ctl" ]; then
    echo "$candidate"
  elif command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

# initdb and postgres refuse to run as root: as root, run them as the postgres user the Debian package creates.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bin=$(find_bin)
command=${1:-start}

case "$command" in
  stop|clean)
    if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
    fi
    if [ "$command" = clean ]; then
      rm -rf "$dir"
    fi
    exit 0
    ;;
  start) ;;
  *)
    say "unknown command '$command' (start, stop or clean)"
    exit 2
    ;;
esac

if [ -z "$bin" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed; run as root, or: sudo apt-get install -y postgresql"
    exit 1
  fi
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    say "postgresql installed, but no pg_ctl was found under /usr/lib/postgresql"
    exit 1
  fi
fi

# Already up? Print the same line again.
if [ -f "$env_file" ] && [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  cat "$env_file"
  exit 0
fi

mkdir -p "$dir"
chmod 700 "$dir"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
fi

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a cluster in $data"
  # Local socket logins are trusted (only the owner can reach the folder); TCP logins need a password.
  as_owner "$bin/initdb" -D "$data" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
fi

port=${DOPPEL_PG_PORT:-}
if [ -z "$port" ]; then
  for candidate in $(seq 55432 55532); do
    if port_is_free "$candidate"; then
      port=$candidate
      break
    fi
  done
fi
if [ -z "$port" ]; then
  say "no free port from 55432 to 55532; set DOPPEL_PG_PORT"
  exit 1
fi

say "starting PostgreSQL on 127.0.0.1:$port"
as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start -o "\
  -c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
  -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 || {
    tail -n 20 "$dir/server.log" >&2
    exit 1
  }

password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
# The password is a literal in this one statement, made of letters and digits only; psql's :'var' quotes it.
as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
  -v role="$role" -v password="$password" -v database="$database" >&2 <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SQL

line="export DOPPEL_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=$role;Password=$password;Database=$database'"
umask 077
echo "$line" >"$env_file"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$env_file"
fi
say "ready; tests use database $database as role $role"
echo "$line"
