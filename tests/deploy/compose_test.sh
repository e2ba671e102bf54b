#!/usr/bin/env bash
# docker-compose.yml through Debian's docker-compose 1.29 (`config` needs no Docker engine): it is
# accepted, names every service of the design, refuses to start without a webhook secret, and its
# depends_on conditions and health checks give `docker compose up` its order:
# kafka (healthy) -> kafka-topic (done) -> ingest, workers, reconciler; postgres (healthy) ->
# migrate (done) -> workers, reconciler, grafana; ingest-certificate (done) -> ingest.
#   compose_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
export GITHUB_WEBHOOK_SECRET=compose-test-secret

docker-compose config -q
rendered=$(docker-compose --profile reconciler config)

if env -u GITHUB_WEBHOOK_SECRET docker-compose config -q 2>/dev/null; then
  echo "FAIL: docker-compose.yml is accepted without GITHUB_WEBHOOK_SECRET"; exit 1
fi

python3 - "$rendered" <<'PY'
import sys, yaml
config = yaml.safe_load(sys.argv[1])
services = config["services"]
problems = []
expected = {"kafka", "kafka-topic", "postgres", "migrate", "ingest-certificate", "ingest",
            "worker-1", "worker-2", "reconciler", "prometheus", "grafana"}
if set(services) != expected:
    problems.append(f"services are {sorted(services)}, expected {sorted(expected)}")

def condition(service, dependency):
    return services.get(service, {}).get("depends_on", {}).get(dependency, {}).get("condition")

for service, dependency, wanted in [
        ("kafka-topic", "kafka", "service_healthy"),
        ("migrate", "postgres", "service_healthy"),
        ("ingest", "kafka-topic", "service_completed_successfully"),
        ("ingest", "ingest-certificate", "service_completed_successfully"),
        ("worker-1", "kafka-topic", "service_completed_successfully"),
        ("worker-1", "migrate", "service_completed_successfully"),
        ("worker-2", "migrate", "service_completed_successfully"),
        ("reconciler", "migrate", "service_completed_successfully"),
        ("grafana", "prometheus", "service_healthy"),
        ("grafana", "migrate", "service_completed_successfully")]:
    if condition(service, dependency) != wanted:
        problems.append(f"{service} does not wait for {dependency} ({wanted})")

for service in ("kafka", "postgres", "ingest", "worker-1", "worker-2", "reconciler", "prometheus"):
    if "healthcheck" not in services[service]:
        problems.append(f"{service} has no health check")
for service in ("ingest", "worker-1", "worker-2", "reconciler", "migrate"):
    if services[service].get("image") != "tributary:latest" or not services[service].get("read_only"):
        problems.append(f"{service} does not run the one read-only tributary image")

kafka = services["kafka"]
if "KAFKA_PROCESS_ROLES" not in kafka["environment"] or not kafka["image"].startswith("apache/kafka:"):
    problems.append("kafka is not the apache/kafka image in KRaft mode")
topic = " ".join(services["kafka-topic"]["command"])
for setting in ("--partitions=", "--replication-factor=", "retention.ms=", "max.message.bytes="):
    if setting not in topic:
        problems.append(f"kafka-topic does not set {setting}")
max_bytes = int(topic.split("max.message.bytes=")[1].split()[0])
if max_bytes < 25 * 1024 * 1024 + 64 * 1024:
    problems.append(f"max.message.bytes={max_bytes} does not let a 25 MiB payload with its headers through")
if not services["postgres"]["image"].startswith("postgres:15"):
    problems.append("postgres is not PostgreSQL 15")
ingest_env = services["ingest"]["environment"]
if not ingest_env.get("INGEST_TLS_CERT") or not ingest_env.get("INGEST_TLS_KEY"):
    problems.append("ingest does not serve TLS")
if not any(v.endswith("/etc/prometheus/alerts.yml:ro") or "alerts.yml" in str(v)
           for v in services["prometheus"]["volumes"]):
    problems.append("prometheus does not load the alert rules")
if not any("provisioning" in str(v) for v in services["grafana"]["volumes"]):
    problems.append("grafana has no provisioning")

if problems:
    print("FAIL:\n" + "\n".join(problems))
    sys.exit(1)
print(f"docker-compose config: {len(services)} services, order and health checks as designed")
PY

# Prometheus scrapes every component the file runs.
for target in ingest:9464 worker-1:9465 worker-2:9465 reconciler:9466; do
  grep -q "\"$target\"" deploy/compose/prometheus.yml || { echo "FAIL: Prometheus does not scrape $target"; exit 1; }
done
echo "PASS"
