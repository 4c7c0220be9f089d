#!/bin/bash
# The streaming replica: on first start, a base backup of the primary (pg_basebackup -R writes the standby settings),
# then the server runs read-only, following the primary's WAL.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h postgres -U "$POSTGRES_USER"; do sleep 1; done
    export PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD"
    pg_basebackup -h postgres -U replicator -D "$PGDATA" -R -X stream --checkpoint=fast
    chmod 700 "$PGDATA"
fi
# The primary's planner settings (docker-compose.yml): the dashboards' queries are planned here.
exec docker-entrypoint.sh postgres -c hot_standby=on -c random_page_cost=1.1
