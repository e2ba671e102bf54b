#!/usr/bin/env bash
# deploy/k8s/: `kubectl kustomize` renders the base and the example overlay, and every rendered
# object validates against the Kubernetes API schemas and runs as designed (k8s_check.mjs).
# kubectl is not a Debian 12 package of a usable version (kubernetes-client 1.20 embeds kustomize
# 2.0.3, older than the `labels` and `patches` fields used here): without it the test is skipped (exit 77,
# CTest's SKIP_RETURN_CODE) with a message, never failed.
#   k8s_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
if ! command -v kubectl >/dev/null; then
  echo "SKIPPED: kubectl is not installed (https://kubernetes.io/docs/tasks/tools/); deploy/k8s/ was not rendered"
  exit 77
fi
models=deploy/node_modules/kubernetes-models
[ -f "$models/package.json" ] || { echo "FAIL: $models missing: run scripts/setup.sh"; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for kustomization in base overlays/example; do
  echo "== deploy/k8s/$kustomization"
  kubectl kustomize "deploy/k8s/$kustomization" >"$scratch/rendered.yaml"
  python3 -c 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)' \
    <"$scratch/rendered.yaml" >"$scratch/rendered.json"
  node tests/deploy/k8s_check.mjs "$scratch/rendered.json" "$models"
done

# The overlay changes what an overlay is for: the image, the ingress host, the Kafka address.
overlay=$(kubectl kustomize deploy/k8s/overlays/example)
for wanted in "image: ghcr.io/example-org/tributary:0.1.0" "host: tributary.example-org.com" \
              "KAFKA_BOOTSTRAP_SERVERS: my-cluster-kafka-bootstrap.kafka.svc:9092"; do
  grep -qF "$wanted" <<<"$overlay" || { echo "FAIL: the overlay does not render '$wanted'"; exit 1; }
done
echo "PASS"
