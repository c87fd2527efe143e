#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer; start them where
# they are installed, and fail with a clear message where they are not.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

wait_for() {  # wait_for NAME CHECK: up to 30 s
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  echo "error: $1 did not start within 30 seconds" >&2; return 1
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL ..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    wait_for PostgreSQL pg_up || exit 1
  else
    echo "error: PostgreSQL does not answer on 127.0.0.1:5432 and is not installed here." >&2
    echo "       Install it (apt-get install postgresql) or set DATABASE_URL to a running server." >&2
    exit 1
  fi
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis ..."
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis redis_up || exit 1
  else
    echo "error: Redis does not answer on 127.0.0.1:6379 and is not installed here." >&2
    echo "       Install it (apt-get install redis-server) or set REDIS_URL to a running server." >&2
    exit 1
  fi
fi
echo "PostgreSQL and Redis answer."
