#!/usr/bin/env bash
# deploy/prometheus/alerts.yml: `promtool check rules` passes; `promtool test rules` with
# alerts_test.yml passes, and that file holds, for every alert, a case where it fires and one where
# it stays silent; docker-compose.yml's Prometheus configuration passes `promtool check config`.
#   prometheus_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
promtool check rules deploy/prometheus/alerts.yml
(cd deploy/prometheus && promtool test rules alerts_test.yml)

python3 - <<'PY'
import sys, yaml
rules = yaml.safe_load(open("deploy/prometheus/alerts.yml"))
alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
missing_runbook = [rule["alert"] for group in rules["groups"] for rule in group["rules"]
                   if not rule.get("annotations", {}).get("runbook")]
fires, silent = set(), set()
for test in yaml.safe_load(open("deploy/prometheus/alerts_test.yml"))["tests"]:
    for case in test.get("alert_rule_test", []):
        (fires if case.get("exp_alerts") else silent).add(case["alertname"])
problems = [f"{a}: no case where it fires" for a in sorted(alerts - fires)]
problems += [f"{a}: no case where it stays silent" for a in sorted(alerts - silent)]
problems += [f"{a}: no runbook annotation" for a in missing_runbook]
if problems:
    print("FAIL:\n" + "\n".join(problems)); sys.exit(1)
print(f"{len(alerts)} alerts, each with a runbook, a firing case and a silent case")
PY

# The compose file mounts the rules at /etc/prometheus/alerts.yml: check the configuration with
# that path pointed at the file here.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp deploy/prometheus/alerts.yml "$scratch/alerts.yml"
sed "s#/etc/prometheus/alerts.yml#$scratch/alerts.yml#" deploy/compose/prometheus.yml >"$scratch/prometheus.yml"
promtool check config "$scratch/prometheus.yml"
echo "PASS"
