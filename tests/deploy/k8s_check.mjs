// Checks Kubernetes objects rendered by `kubectl kustomize` (given as a JSON array in a file):
// each validates against the Kubernetes API schemas (kubernetes-models, pinned in
// deploy/package.json), the base holds every object the design names, and every pod runs
// non-root with a read-only root filesystem, no privilege escalation, requests and limits,
// enableServiceLinks false, and probes (/readyz and /healthz) where a process serves them.
//   node k8s_check.mjs RENDERED.json MODELS_DIR
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [renderedPath, modelsDir] = process.argv.slice(2);
const objects = JSON.parse(readFileSync(renderedPath, "utf8"));
const problems = [];
const problem = (object, text) =>
  problems.push(`${object.kind}/${object.metadata?.name ?? "?"}: ${text}`);

async function validateAgainstSchema(object) {
  // kubernetes-models/<group>/<version>/<Kind>.js; the core group is kubernetes-models/v1/.
  const modulePath = `${modelsDir}/${object.apiVersion}/${object.kind}.js`;
  let model;
  try {
    model = (await import(pathToFileURL(modulePath).href))[object.kind];
  } catch {
    problem(object, `no API schema for ${object.apiVersion} ${object.kind}`);
    return;
  }
  try {
    new model(object).validate();
  } catch (error) {
    problem(object, `does not validate: ${error.message}`);
  }
}

function podTemplateOf(object) {
  switch (object.kind) {
    case "Deployment":
    case "Job":
      return object.spec.template;
    case "CronJob":
      return object.spec.jobTemplate.spec.template;
    default:
      return undefined;
  }
}

// A Job's container is a one-shot command with no port to probe (tributary-migrate, Kafka's
// kafka-topics.sh): activeDeadlineSeconds bounds it instead. Every other container serves
// /healthz and /readyz on its metrics port.
function checkPod(object, template) {
  const pod = template.spec;
  const needsProbes = object.kind !== "Job";
  if (pod.enableServiceLinks !== false) problem(object, "enableServiceLinks is not false");
  if (object.kind === "Job" && !object.spec.activeDeadlineSeconds)
    problem(object, "a Job without activeDeadlineSeconds");
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    const runAsNonRoot = context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    const runAsUser = context.runAsUser ?? pod.securityContext?.runAsUser;
    const where = `container ${container.name}`;
    if (runAsNonRoot !== true) problem(object, `${where}: runAsNonRoot is not true`);
    if (!(runAsUser > 0)) problem(object, `${where}: runAsUser is not a non-root uid`);
    if (context.readOnlyRootFilesystem !== true) problem(object, `${where}: root filesystem not read-only`);
    if (context.allowPrivilegeEscalation !== false) problem(object, `${where}: privilege escalation allowed`);
    if (!(context.capabilities?.drop ?? []).includes("ALL")) problem(object, `${where}: capabilities not dropped`);
    for (const kind of ["requests", "limits"])
      for (const resource of ["cpu", "memory"])
        if (!container.resources?.[kind]?.[resource]) problem(object, `${where}: no ${kind}.${resource}`);
    if (needsProbes) {
      if (container.readinessProbe?.httpGet?.path !== "/readyz") problem(object, `${where}: readiness is not /readyz`);
      if (container.livenessProbe?.httpGet?.path !== "/healthz") problem(object, `${where}: liveness is not /healthz`);
    }
  }
}

for (const object of objects) {
  await validateAgainstSchema(object);
  const template = podTemplateOf(object);
  if (template) checkPod(object, template);
}

const names = new Set(objects.map((object) => `${object.kind}/${object.metadata.name}`));
for (const expected of [
  "Namespace/tributary", "ConfigMap/tributary",
  "Deployment/tributary-ingest", "Deployment/tributary-worker",
  "Service/tributary-ingest", "Ingress/tributary-ingest",
  "PodDisruptionBudget/tributary-ingest", "PodDisruptionBudget/tributary-worker",
  "HorizontalPodAutoscaler/tributary-ingest", "HorizontalPodAutoscaler/tributary-worker",
  "Job/tributary-migrate", "Job/tributary-topic", "CronJob/tributary-reconciler",
]) if (!names.has(expected)) problems.push(`missing ${expected}`);
if (!objects.some((object) => object.kind === "NetworkPolicy")) problems.push("missing a NetworkPolicy");

// The secrets come from the Secret `tributary` only, never from values in the manifests.
const secretKeys = new Set();
for (const object of objects) {
  const template = podTemplateOf(object);
  for (const volume of template?.spec.volumes ?? [])
    if (volume.secret) {
      if (volume.secret.secretName !== "tributary") problem(object, `secret ${volume.secret.secretName}`);
      for (const item of volume.secret.items ?? []) secretKeys.add(item.key);
    }
}
for (const key of ["webhook-secret", "database-url", "github-token"])
  if (!secretKeys.has(key)) problems.push(`no pod reads ${key} from the Secret tributary`);

if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${objects.length} objects valid: ${[...names].join(", ")}`);
