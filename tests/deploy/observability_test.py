#!/usr/bin/env python3
"""The dashboards and alerts against the real components (CTest label integration).

Starts tributary-ingest, tributary-worker and tributary-reconciler (against a small fake of GitHub's
REST API) on the harness's devbroker and PostgreSQL, sends a signed and a badly signed delivery,
scrapes each component's /metrics, and shows that:
- `promtool check metrics` passes on each component's real output;
- both Grafana dashboards are well-formed dashboard JSON whose panels use the provisioned data
  sources;
- every SQL query of a dashboard runs against the migrated schema as tributary_analyst;
- every metric name in the dashboards' PromQL, and in the alert rules', is one a component exports.
"""
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import yaml

SOURCE = os.environ["TRIBUTARY_SOURCE_DIR"]
BUILD = os.environ["TRIBUTARY_BUILD_DIR"]
DEADLINE_SECONDS = 60
failures = []


def fail(text):
    failures.append(text)
    print("FAIL:", text, file=sys.stderr)


def services():
    values = {}
    with open(os.environ["TRIBUTARY_HARNESS_ENV"]) as env_file:
        for line in env_file:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                values[key] = value
    return values


def wait_until(predicate, what):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


class component:
    """A child process whose JSON log lines on stderr are read for the metrics port."""

    def __init__(self, name, argv, environment, scratch):
        self.name = name
        self.log_path = os.path.join(scratch, name + ".log")
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(argv, env={**os.environ, **environment},
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def log_lines(self):
        with open(self.log_path) as log:
            for line in log:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue

    def wait_for_log(self, message):
        def found():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {open(self.log_path).read()[-2000:]}")
            return next((line for line in self.log_lines() if line.get("msg") == message), None)
        return wait_until(found, f"{self.name} to log '{message}'")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def repository_of_star_example():
    with open(os.path.join(SOURCE, "tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json")) as f:
        events = json.load(f)
    star = next(event for event in events if event["name"] == "star")
    return star["examples"][0]["repository"]


class fake_github:
    """The project's fake GitHub (tests/reconciler/fake_github_server.cpp: GitHub's documented
    behaviour, bodies from its OpenAPI description) serving a small organisation, in a process of
    its own; it ends when its standard input closes."""

    def __init__(self, token):
        self.process = subprocess.Popen(
            [f"{BUILD}/tests/reconciler/tributary-fake-github", "--token", token],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = json.loads(self.process.stdout.readline())
        self.url, self.organization = line["url"], line["organization"]

    def shutdown(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def control(address, line):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(line.encode() + b"\n")
        return connection.makefile().readline().strip()


def post_webhook(port, secret, event, body):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/github", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-GitHub-Event": event,
                                              "X-GitHub-Delivery": str(uuid.uuid4()),
                                              "X-Hub-Signature-256": signature})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        return answer.read().decode()


def sample_names(exposition):
    names = set()
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                "unless", "offset", "inf", "nan"}


def metric_names_in(promql):
    """The metric names a PromQL expression reads (functions, keywords, labels and strings left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", promql)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\$\w+", "", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        if match.group(2) or match.group(1).lower() in PROMQL_WORDS:
            continue
        names.add(match.group(1))
    return names


def check_dashboard(path, datasource_uids):
    with open(path) as f:
        dashboard = json.load(f)
    name = os.path.basename(path)
    for key in ("uid", "title", "schemaVersion", "panels", "time"):
        if key not in dashboard:
            fail(f"{name}: no '{key}'")
    ids = [panel.get("id") for panel in dashboard["panels"]]
    if len(set(ids)) != len(ids) or None in ids:
        fail(f"{name}: panel ids missing or repeated")
    queries = []
    for panel in dashboard["panels"]:
        where = f"{name} panel '{panel.get('title')}'"
        if panel.get("type") not in {"timeseries", "table", "stat", "gauge", "bargauge", "barchart"}:
            fail(f"{where}: unknown panel type {panel.get('type')}")
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in ("h", "w", "x", "y")) or grid["x"] + grid["w"] > 24:
            fail(f"{where}: bad gridPos {grid}")
        if not panel.get("targets"):
            fail(f"{where}: no queries")
        for target in panel.get("targets", []):
            datasource = target.get("datasource", panel.get("datasource", {}))
            if datasource.get("uid") not in datasource_uids:
                fail(f"{where}: data source {datasource} is not provisioned")
                continue
            kind = datasource_uids[datasource["uid"]]
            if kind == "prometheus":
                if not target.get("expr"):
                    fail(f"{where}: Prometheus target without expr")
                queries.append(("promql", where, target.get("expr", "")))
            else:
                if not target.get("rawSql") or target.get("format") not in ("table", "time_series"):
                    fail(f"{where}: SQL target without rawSql or format")
                queries.append(("sql", where, target.get("rawSql", "")))
    return queries


def run_sql_as_analyst(database_url, where, query):
    # Grafana's macros, as Grafana expands them for a time range.
    text = re.sub(r"\$__timeFilter\(([^()]*(?:\([^()]*\))?[^()]*)\)",
                  r"\1 BETWEEN '2000-01-01T00:00:00Z' AND now()", query)
    if "$" in text.replace("$$", ""):
        fail(f"{where}: a macro or variable the test does not expand: {query}")
        return
    script = f"SET ROLE tributary_analyst;\n{text};\n"
    result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_url],
                            input=script, text=True, capture_output=True)
    if result.returncode != 0:
        fail(f"{where}: the query fails as tributary_analyst: {result.stderr.strip()}")


def main():
    env = services()
    scratch = tempfile.mkdtemp(prefix="tributary-deploy-")
    admin_url = env["TRIBUTARY_TEST_DATABASE_URL"]
    database = "deploy_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-X", "-q", "-d", admin_url, "-c", f"CREATE DATABASE {database}"], check=True)
    database_url = admin_url.rsplit("/", 1)[0] + "/" + database
    subprocess.run([f"{BUILD}/tools/migrate/tributary-migrate"], env={**os.environ, "DATABASE_URL": database_url},
                   check=True, capture_output=True)
    topic = "deploy-" + uuid.uuid4().hex[:12]
    answer = control(env["TRIBUTARY_TEST_BROKER_CONTROL"], f"create-topic {topic} 4")
    if not answer.startswith("ok"):
        raise RuntimeError(f"create-topic answered {answer}")

    repository = repository_of_star_example()
    github = fake_github("deploy-test-token")
    secret = "deploy-test-secret"
    common = {"KAFKA_BOOTSTRAP_SERVERS": env["TRIBUTARY_TEST_BOOTSTRAP_SERVERS"], "KAFKA_TOPIC": topic,
              "METRICS_LISTEN": "127.0.0.1:0", "LOG_LEVEL": "info"}
    children = []
    try:
        ingest = component("ingest", [f"{BUILD}/ingest/tributary-ingest"],
                           {**common, "INGEST_LISTEN": "127.0.0.1:0", "GITHUB_WEBHOOK_SECRET": secret,
                            "INGEST_DRAIN_PERIOD": "0s"}, scratch)
        children.append(ingest)
        worker = component("worker", [f"{BUILD}/workers/tributary-worker"],
                           {**common, "DATABASE_URL": database_url, "WORKER_GROUP_ID": topic}, scratch)
        children.append(worker)
        reconciler = component("reconciler", [f"{BUILD}/reconciler/tributary-reconciler"],
                               {**common, "DATABASE_URL": database_url, "GITHUB_TOKEN": "deploy-test-token",
                                "GITHUB_API_URL": github.url,
                                "RECONCILE_TARGETS": github.organization}, scratch)
        children.append(reconciler)

        listening = ingest.wait_for_log("listening")
        ports = {"ingest": listening["metrics_port"],
                 "worker": worker.wait_for_log("started")["metrics_port"],
                 "reconciler": reconciler.wait_for_log("started")["metrics_port"]}
        run = reconciler.wait_for_log("target reconciled")
        print(f"reconciler run against the fake: {run.get('outcome')}, {run.get('gaps')} gaps")

        push = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1,
                           "repository": repository, "sender": repository["owner"]}).encode()
        if post_webhook(listening["port"], secret, "ping", push) != 202:
            fail("a signed delivery was not answered 202")
        if post_webhook(listening["port"], "not-the-secret", "ping", push) != 401:
            fail("a badly signed delivery was not answered 401")

        # The worker has folded the ping and reports its lag.
        def worker_caught_up():
            exposition = scrape(ports["worker"])
            return ("tributary_worker_consumer_lag_messages{" in exposition and
                    re.search(r'^tributary_worker_events_folded_total\{event="ping"\} [1-9]', exposition, re.M))
        wait_until(worker_caught_up, "the worker to fold the ping")

        exported = set()
        for name, port in ports.items():
            exposition = scrape(port)
            exported |= sample_names(exposition)
            with open(os.path.join(scratch, name + ".metrics"), "w") as f:
                f.write(exposition)
            check = subprocess.run(["promtool", "check", "metrics"], input=exposition, text=True, capture_output=True)
            if check.returncode != 0:
                fail(f"promtool check metrics on {name}'s /metrics: {check.stdout}{check.stderr}")
            else:
                print(f"promtool check metrics: {name}'s /metrics passes ({len(sample_names(exposition))} series names)")

        with open(os.path.join(SOURCE, "deploy/grafana/provisioning/datasources/tributary.yml")) as f:
            provisioned = yaml.safe_load(f)["datasources"]
        datasource_uids = {d["uid"]: "prometheus" if d["type"] == "prometheus" else "sql" for d in provisioned}
        dashboards_dir = os.path.join(SOURCE, "deploy/grafana/dashboards")
        promql = []
        for file_name in sorted(os.listdir(dashboards_dir)):
            for kind, where, query in check_dashboard(os.path.join(dashboards_dir, file_name), datasource_uids):
                if kind == "sql":
                    run_sql_as_analyst(database_url, where, query)
                else:
                    promql.append((where, query))
        with open(os.path.join(SOURCE, "deploy/prometheus/alerts.yml")) as f:
            for group in yaml.safe_load(f)["groups"]:
                for rule in group["rules"]:
                    promql.append((f"alert {rule['alert']}", rule["expr"]))
        # `up` is the one series Prometheus makes itself for every scrape target.
        unknown = 0
        for where, query in promql:
            names = metric_names_in(query)
            if not names:
                fail(f"{where}: no metric name found in {query}")
            for name in names - exported - {"up"}:
                fail(f"{where}: '{name}' is exported by no component")
                unknown += 1
        print(f"{len(promql)} PromQL expressions (dashboards and alerts), {unknown} unknown metric names")
    finally:
        for child in reversed(children):
            child.stop()
        github.shutdown()
    for child in children:
        if child.process.returncode not in (0, -signal.SIGTERM):
            fail(f"{child.name} exited {child.process.returncode} on SIGTERM")
    if failures:
        print(f"{len(failures)} failures; logs and scrapes in {scratch}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
