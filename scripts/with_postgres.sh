#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a free loopback port.
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
# Usage: scripts/with_postgres.sh COMMAND [ARGS...]   (DATABASE_URL is exported for COMMAND)
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "${bindir}" ] || [ ! -x "${bindir}/initdb" ]; then
  echo "PostgreSQL server binaries not found; install the 'postgresql' package" >&2
  exit 1
fi

workdir=$(mktemp -d /tmp/dxcenter-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_owner=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "${workdir}" postgres
  chown postgres "${workdir}"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "${bindir}/pg_ctl" -D "${workdir}/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "${workdir}"
}
trap cleanup EXIT

"${as_owner[@]}" "${bindir}/initdb" -D "${workdir}/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 >"${workdir}/initdb.log" 2>&1 || { cat "${workdir}/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "${bindir}/pg_ctl" -D "${workdir}/data" -l "${workdir}/server.log" -w \
  -o "-h 127.0.0.1 -p ${port} -k ${workdir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "${workdir}/server.log" >&2; exit 1; }
"${bindir}/createdb" -h 127.0.0.1 -p "${port}" -U postgres dxcenter

export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/dxcenter"
echo "PostgreSQL $("${bindir}/postgres" --version | awk '{print $3}') on 127.0.0.1:${port}"
"$@"
