#!/bin/bash
# Run once by the postgres image when it creates its cluster: Grafana's login role `grafana`, a
# member of tributary_analyst. The role is made here NOLOGIN, before the migrations run; migration
# 005 keeps an existing tributary_analyst and grants it read access to schemas github and
# analytics, so `grafana` can read and write nothing else.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v analyst_password="$ANALYST_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE tributary_analyst NOLOGIN;
CREATE ROLE grafana LOGIN PASSWORD :'analyst_password' IN ROLE tributary_analyst;
SQL
