"""Checks of deploy/ that need Python libraries (run by `cargo xtask deploy-check` in its venv).

Subcommands (each prints what it checked and exits non-zero on the first kind of failure):
  k8s FILE...           Kubernetes schemas (kubernetes-validate, strict) and, for KEDA/Knative
                        kinds, the schemas in deploy/k8s/schemas; references between objects;
                        every variable the binaries read is provided.
  terraform DIR         every .tf parses (python-hcl2); the load balancer, Redis and the rest of
                        the Scaleway stack hold the settings docs/operations.md promises.
  metrics RULES DASH    every series named by the alert rules and the Grafana dashboard is
                        exported by the code (crates/*/src).
  compose FILE          the compose stack: services, Dockerfiles, variables.
  pools RENDERED TFDIR  the pool sizing rule: every pool the rendered manifests can run at once
                        (autoscaler maxima plus rollout surge) fits in the Terraform's Postgres
                        max_connections with headroom.
  selftest              each check above rejects a broken input.
"""

import glob
import json
import os
import re
import sys

import hcl2
import jsonschema
import kubernetes_validate
import promql_parser
import referencing
import yaml
from kubernetes_validate import utils as kv_utils

K8S_VERSION = "1.33.0"
ROOT = os.environ.get("CIEL_ROOT", os.getcwd())

# Variables read by ciel-runtime's config that are ignored on purpose (README: legacy).
IGNORED_VARS = {"NOTIFICATION_QUEUE_CAPACITY", "AUTH_TOKEN_TTL_HOURS"}
# Variables whose default every image already has right (the Dockerfiles set HTTP_ADDR).
DEFAULTED_VARS = {"HTTP_ADDR"}


class CheckError(Exception):
    pass


def fail(problems, what):
    if problems:
        for p in problems:
            print(f"  FAIL {p}")
        raise CheckError(f"{what}: {len(problems)} problem(s)")


# ---------------------------------------------------------------- code facts


def config_variables():
    """Every environment variable ciel-runtime's config reads."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "crates/ciel-runtime/src/config/*.rs")):
        if path.endswith("tests.rs"):
            continue
        names |= set(re.findall(r'"([A-Z][A-Z0-9_]{3,})"', open(path).read()))
    if not names:
        raise CheckError("no configuration variables found in crates/ciel-runtime/src/config")
    return names


def exported_metrics():
    """Metric names constructed in the code: `X::new("name", "help")` for Opts, HistogramOpts,
    IntCounter, IntGauge … (the name then the help string)."""
    names = set()
    pattern = re.compile(r'::new\(\s*"([a-z][a-z0-9_]*)"\s*,\s*"')
    for path in glob.glob(os.path.join(ROOT, "crates/*/src/**/*.rs"), recursive=True):
        names |= set(pattern.findall(open(path).read()))
    if not names:
        raise CheckError("no metrics found in crates/*/src")
    return names


# ---------------------------------------------------------------- kubernetes


def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def crd_schema_file(doc):
    group_version = doc.get("apiVersion", "")
    group, _, version = group_version.rpartition("/")
    name = f"{doc.get('kind', '').lower()}-{group.split('.')[0]}-{version}.json"
    return os.path.join(ROOT, "deploy/k8s/schemas", name)


def k8s_definitions():
    """The Kubernetes definitions bundled with kubernetes-validate (for $refs in CRD schemas)."""
    version = [v for v in kv_utils.all_versions()
               if kv_utils.major_minor(v) <= kv_utils.major_minor(K8S_VERSION)][-1]
    return kv_utils.schema_contents(
        f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", K8S_VERSION)


def validate_doc(doc, defs):
    """Problems of one document against its schema ([] when valid)."""
    kind = doc.get("kind")
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        return []
    except kubernetes_validate.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        return [f"{kind}/{name_of(doc)}: {path}: {e.message}"]
    except kv_utils.SchemaNotFoundError:
        pass
    schema_path = crd_schema_file(doc)
    if not os.path.exists(schema_path):
        return [f"{kind} ({doc.get('apiVersion')}) has no schema: add {os.path.relpath(schema_path, ROOT)}"]
    schema = json.load(open(schema_path))
    registry = referencing.Resource.from_contents(defs) @ referencing.Registry()
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    return [f"{kind}/{name_of(doc)}: {'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(doc)]


def name_of(doc):
    return (doc.get("metadata") or {}).get("name", "?")


def pod_specs(doc):
    """(pod labels, pod spec) of workloads, Knative services and jobs."""
    kind = doc.get("kind")
    spec = doc.get("spec") or {}
    if kind in ("Deployment", "Job", "StatefulSet", "DaemonSet") or (
            kind == "Service" and doc.get("apiVersion", "").startswith("serving.knative.dev")):
        template = spec.get("template") or {}
        return [(((template.get("metadata") or {}).get("labels") or {}), template.get("spec") or {})]
    return []


def cross_checks(docs, variables, secret_keys):
    """References between objects, and that every variable reaches every Ciel container."""
    problems = []
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d.get("kind"), {})[name_of(d)] = d
    config_maps = {n: set((d.get("data") or {}).keys()) for n, d in by_kind.get("ConfigMap", {}).items()}
    deployments = by_kind.get("Deployment", {})
    pods = [(name_of(d), labels, spec) for d in docs for labels, spec in pod_specs(d)]

    for owner, _labels, spec in pods:
        for c in spec.get("containers", []):
            provided = {e["name"] for e in c.get("env", [])}
            for src in c.get("envFrom", []):
                if "configMapRef" in src:
                    ref = src["configMapRef"]["name"]
                    if ref not in config_maps:
                        problems.append(f"{owner}: envFrom ConfigMap {ref} is not defined")
                    provided |= config_maps.get(ref, set())
                if "secretRef" in src:
                    ref = src["secretRef"]["name"]
                    if ref != "ciel-secrets":
                        problems.append(f"{owner}: envFrom Secret {ref} is not ciel-secrets")
                    provided |= secret_keys
            missing = variables - IGNORED_VARS - DEFAULTED_VARS - provided
            # Images stay short names in base; they map to ciel-api/ciel-worker/ciel-lambda.
            image = c.get("image", "")
            if "ciel-" in image:
                for var in sorted(missing):
                    problems.append(f"{owner}/{c.get('name', '?')}: {var} is not provided")

    for svc in by_kind.get("Service", {}).values():
        if svc.get("apiVersion") != "v1":
            continue
        selector = (svc.get("spec") or {}).get("selector") or {}
        if not any(selector.items() <= labels.items() for _, labels, _ in pods):
            problems.append(f"Service/{name_of(svc)}: selector {selector} matches no pod template")
        if (svc.get("spec") or {}).get("sessionAffinity", "None") != "None":
            problems.append(f"Service/{name_of(svc)}: session affinity must stay None (stateless API)")

    for kind in ("PodDisruptionBudget",):
        for obj in by_kind.get(kind, {}).values():
            selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            if not any(selector.items() <= labels.items() for _, labels, _ in pods):
                problems.append(f"{kind}/{name_of(obj)}: selector {selector} matches no pod template")

    for kind in ("HorizontalPodAutoscaler", "ScaledObject"):
        for obj in by_kind.get(kind, {}).values():
            target = ((obj.get("spec") or {}).get("scaleTargetRef") or {}).get("name")
            if target not in deployments:
                problems.append(f"{kind}/{name_of(obj)}: scaleTargetRef {target} is not a Deployment here")

    auths = by_kind.get("TriggerAuthentication", {})
    for so in by_kind.get("ScaledObject", {}).values():
        for trigger in (so.get("spec") or {}).get("triggers", []):
            ref = (trigger.get("authenticationRef") or {}).get("name")
            if ref and ref not in auths:
                problems.append(f"ScaledObject/{name_of(so)}: authenticationRef {ref} is not defined")
            if trigger.get("type") == "rabbitmq":
                queue = (trigger.get("metadata") or {}).get("queueName")
                configured = {(d.get("data") or {}).get("AMQP_MEDIA_QUEUE") for d in by_kind.get("ConfigMap", {}).values()}
                if queue not in configured:
                    problems.append(f"ScaledObject/{name_of(so)}: queueName {queue} is not AMQP_MEDIA_QUEUE {configured}")

    for role in ("Deployment/ciel-api", "Deployment/ciel-worker", "HorizontalPodAutoscaler/ciel-api",
                 "ScaledObject/ciel-worker", "Job/ciel-migrate", "Service/ciel-lambda",
                 "PodDisruptionBudget/ciel-api", "PodDisruptionBudget/ciel-worker"):
        kind, name = role.split("/")
        if name not in by_kind.get(kind, {}):
            problems.append(f"{role} is missing")
    api = deployments.get("ciel-api")
    if api:
        container = api["spec"]["template"]["spec"]["containers"][0]
        if (container.get("readinessProbe") or {}).get("httpGet", {}).get("path") != "/ready":
            problems.append("Deployment/ciel-api: the readiness probe must be GET /ready")
        if (container.get("livenessProbe") or {}).get("httpGet", {}).get("path") != "/health":
            problems.append("Deployment/ciel-api: the liveness probe must be GET /health")
    return problems


def check_k8s(files):
    defs = k8s_definitions()
    docs, problems = [], []
    for path in files:
        for doc in load_yaml_docs(path):
            if doc.get("apiVersion", "").startswith("kustomize.config.k8s.io/"):
                continue  # kustomize's own file, not an object sent to the cluster
            problems += [f"{os.path.relpath(path, ROOT)}: {p}" for p in validate_doc(doc, defs)]
            docs.append(doc)
    secret_example = os.path.join(ROOT, "deploy/k8s/base/secret.example.yaml")
    secret_keys = set()
    for doc in load_yaml_docs(secret_example):
        problems += validate_doc(doc, defs)
        secret_keys |= set((doc.get("stringData") or {}).keys())
    problems += cross_checks(docs, config_variables(), secret_keys)
    fail(problems, "kubernetes manifests")
    print(f"  ok: {len(docs)} objects valid against Kubernetes {K8S_VERSION} (strict) and the vendored CRD schemas; references and variables consistent")


# ---------------------------------------------------------------- terraform


def resources(parsed):
    """{(type, name): body} of every resource block."""
    out = {}
    for block in parsed.get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                out[(unquote(rtype), unquote(name))] = body
    return out


def first(value):
    return value[0] if isinstance(value, list) and value else value


def unquote(value):
    return value.strip('"') if isinstance(value, str) else value


def get(body, key):
    """An attribute of a parsed block (python-hcl2 8 keeps map keys quoted, older versions not)."""
    if not isinstance(body, dict):
        return None
    return body.get(key, body.get(f'"{key}"'))


def terraform_problems(res):
    problems = []
    types = {t for t, _ in res}
    for needed in ("scaleway_lb", "scaleway_lb_backend", "scaleway_lb_frontend", "scaleway_k8s_cluster",
                   "scaleway_k8s_pool", "scaleway_rdb_instance", "scaleway_redis_cluster",
                   "scaleway_object_bucket", "scaleway_edge_services_pipeline",
                   "scaleway_edge_services_backend_stage", "scaleway_secret", "scaleway_secret_version",
                   "scaleway_instance_server"):
        if needed not in types:
            problems.append(f"no {needed} resource")
    for (rtype, name), body in res.items():
        if rtype == "scaleway_lb_backend":
            if unquote(get(body, "sticky_sessions")) != "none":
                problems.append(f"{rtype}.{name}: sticky_sessions must be \"none\" (stateless API)")
            check = first(get(body, "health_check_http")) or {}
            if unquote(get(check, "uri")) != "/health":
                problems.append(f"{rtype}.{name}: health_check_http.uri must be /health")
        if rtype == "scaleway_redis_cluster":
            policy = unquote(get(first(get(body, "settings")), "maxmemory-policy"))
            if policy not in ("volatile-lru", "volatile-ttl", "volatile-lfu"):
                problems.append(f"{rtype}.{name}: maxmemory-policy {policy!r} is not a volatile-* policy")
        if rtype == "scaleway_edge_services_backend_stage" and not get(body, "s3_backend_config"):
            problems.append(f"{rtype}.{name}: the CDN's origin must be the media bucket (s3_backend_config)")
    return problems


def check_terraform(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.tf")))
    if not files:
        raise CheckError(f"no .tf files in {directory}")
    res = {}
    for path in files:
        with open(path) as f:
            try:
                parsed = hcl2.load(f)
            except Exception as e:  # the parser raises several types
                raise CheckError(f"{os.path.relpath(path, ROOT)} does not parse: {e}")
        res.update(resources(parsed))
    fail(terraform_problems(res), "terraform")
    print(f"  ok: {len(files)} files parse; {len(res)} resources; LB /health without stickiness, Redis volatile eviction")


# ---------------------------------------------------------------- metrics


def selector_names(node):
    names = set()
    if type(node).__name__ == "VectorSelector":
        if node.name:
            names.add(node.name)
        return names
    for attr in ("lhs", "rhs", "expr", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, (str, int, float)):
            names |= selector_names(child)
    for arg in getattr(node, "args", None) or []:
        names |= selector_names(arg)
    return names


def grafana_expr(expr):
    return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")


def metric_problems(exprs, known):
    problems = []
    for where, expr in exprs:
        try:
            names = selector_names(promql_parser.parse(expr))
        except Exception as e:
            problems.append(f"{where}: does not parse: {e}")
            continue
        if not names:
            problems.append(f"{where}: selects no metric")
        for n in sorted(names):
            base = re.sub(r"_(bucket|sum|count)$", "", n)
            if n not in known and base not in known:
                problems.append(f"{where}: {n} is not exported by any crate")
    return problems


def dashboard_exprs(dash):
    out = []
    for panel in dash.get("panels", []):
        for target in panel.get("targets", []):
            out.append((f"panel {panel.get('title')!r}", grafana_expr(target["expr"])))
    return out


def check_metrics(rules_path, dashboard_path):
    known = exported_metrics()
    rules = yaml.safe_load(open(rules_path))
    exprs = [(f"alert {r['alert']}", r["expr"]) for g in rules["groups"] for r in g["rules"]]
    try:
        dash = json.load(open(dashboard_path))
    except json.JSONDecodeError as e:
        raise CheckError(f"{dashboard_path} is not JSON: {e}")
    exprs += dashboard_exprs(dash)
    fail(metric_problems(exprs, known), "metric references")
    print(f"  ok: {len(exprs)} expressions parse and use only the {len(known)} metrics the crates export")


# ---------------------------------------------------------------- compose


def compose_problems(doc, variables):
    problems = []
    services = doc.get("services") or {}
    for needed in ("postgres", "redis", "rabbitmq", "minio", "migrate", "api", "worker"):
        if needed not in services:
            problems.append(f"service {needed} is missing")
    rabbit = (services.get("rabbitmq") or {}).get("image", "")
    if "management" not in rabbit:
        problems.append(f"rabbitmq image {rabbit!r} lacks the management plugin")
    for name, svc in services.items():
        build = svc.get("build")
        if build:
            dockerfile = os.path.normpath(os.path.join(ROOT, "deploy", build.get("context", "."), build.get("dockerfile", "Dockerfile")))
            if not os.path.exists(dockerfile):
                problems.append(f"{name}: Dockerfile {dockerfile} does not exist")
    required = {"DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "AMQP_URL", "PASETO_ACCESS_KEY", "PASETO_REFRESH_KEY"}
    for name in ("migrate", "api", "worker"):
        env = set(((services.get(name) or {}).get("environment") or {}).keys())
        for var in sorted(required - env):
            problems.append(f"{name}: {var} is not set")
        for var in sorted(env - variables - {"APP_MODE"}):
            problems.append(f"{name}: {var} is not a variable the binaries read")
    if (services.get("migrate") or {}).get("command") != ["migrate"]:
        problems.append("migrate: the command must be ciel-api's `migrate`")
    return problems


def check_compose(path):
    doc = yaml.safe_load(open(path))
    fail(compose_problems(doc, config_variables()), "compose")
    print(f"  ok: {len(doc['services'])} services; Dockerfiles exist; variables are ones the binaries read")


# ---------------------------------------------------------------- pool sizing

DEFAULT_POOL = 25  # ciel-runtime's DB_MAX_CONNECTIONS default (5 in serverless-worker)
RESERVED = 3  # Postgres' superuser_reserved_connections default
HEADROOM = 0.10  # share of max_connections kept for psql, backups, migrations by hand, monitoring


def pool_of(container, config_maps, mode_default):
    for e in container.get("env", []):
        if e.get("name") == "DB_MAX_CONNECTIONS":
            return int(e["value"])
    for src in container.get("envFrom", []):
        ref = (src.get("configMapRef") or {}).get("name")
        if ref and "DB_MAX_CONNECTIONS" in config_maps.get(ref, {}):
            return int(config_maps[ref]["DB_MAX_CONNECTIONS"])
    return mode_default


def surge(replicas, strategy):
    value = ((strategy or {}).get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return -(-replicas * int(value[:-1]) // 100)
    return int(value)


def pool_budget(docs):
    """[(what, pods, pool per pod)] for everything that can hold connections at once."""
    config_maps = {name_of(d): d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    scalers = {}
    for d in docs:
        spec = d.get("spec") or {}
        if d.get("kind") == "HorizontalPodAutoscaler":
            scalers[spec["scaleTargetRef"]["name"]] = ("HPA max", spec["maxReplicas"])
        if d.get("kind") == "ScaledObject":
            scalers[spec["scaleTargetRef"]["name"]] = ("KEDA max", spec.get("maxReplicaCount", 100))
    rows = []
    for d in docs:
        kind, spec = d.get("kind"), d.get("spec") or {}
        if kind == "Deployment":
            how, replicas = scalers.get(name_of(d), ("replicas", spec.get("replicas", 1)))
            pods = replicas + surge(replicas, spec.get("strategy"))
            c = spec["template"]["spec"]["containers"][0]
            rows.append((f"Deployment/{name_of(d)} ({how} {replicas} + surge)", pods, pool_of(c, config_maps, DEFAULT_POOL)))
        elif kind == "Job":
            c = spec["template"]["spec"]["containers"][0]
            rows.append((f"Job/{name_of(d)}", spec.get("parallelism", 1), pool_of(c, config_maps, DEFAULT_POOL)))
        elif kind == "Service" and d.get("apiVersion", "").startswith("serving.knative.dev"):
            annotations = (spec["template"].get("metadata") or {}).get("annotations") or {}
            pods = int(annotations.get("autoscaling.knative.dev/max-scale", 0))
            c = spec["template"]["spec"]["containers"][0]
            if pods == 0:
                rows.append((f"Knative Service/{name_of(d)} has no max-scale: unbounded", 10**6, 1))
            else:
                rows.append((f"Knative Service/{name_of(d)} (max-scale)", pods, pool_of(c, config_maps, 5)))
    return rows


def terraform_variable_default(directory, name):
    for path in glob.glob(os.path.join(directory, "*.tf")):
        for block in hcl2.load(open(path)).get("variable", []):
            for var, body in block.items():
                if unquote(var) == name:
                    return body.get("default")
    raise CheckError(f"no variable {name} in {directory}")


def pool_problems(rows, max_connections, quiet=False):
    total = sum(pods * pool for _, pods, pool in rows)
    budget = int(max_connections * (1 - HEADROOM)) - RESERVED
    for what, pods, pool in [] if quiet else rows:
        print(f"    {what}: {pods} pods x {pool} = {pods * pool}")
    if not quiet:
        print(f"    sum {total} <= {budget} (max_connections {max_connections} - {HEADROOM:.0%} headroom - {RESERVED} reserved)")
    if total > budget:
        return [f"pools can reach {total} connections, over the budget {budget} of max_connections {max_connections}"]
    return []


def check_pools(rendered, tf_dir):
    docs = load_yaml_docs(rendered)
    max_connections = int(terraform_variable_default(tf_dir, "postgres_max_connections"))
    fail(pool_problems(pool_budget(docs), max_connections), "pool sizing")
    print("  ok: the sum of every pool fits Postgres' max_connections with headroom")


# ---------------------------------------------------------------- selftest


def selftest():
    """Each check must reject a broken input, or it proves nothing."""
    problems = []
    defs = k8s_definitions()
    api = load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/api-deployment.yaml"))[0]
    broken = json.loads(json.dumps(api))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    if not validate_doc(broken, defs):
        problems.append("a Deployment with an unknown field passed the schema")
    so = load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/worker-scaledobject.yaml"))[0]
    broken = json.loads(json.dumps(so))
    broken["spec"]["maxReplicas"] = 3
    if not validate_doc(broken, defs):
        problems.append("a ScaledObject with an unknown field passed its schema")
    kn = load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/lambda-service.yaml"))[0]
    broken = json.loads(json.dumps(kn))
    broken["spec"]["template"]["spec"]["containers"][0]["envfrom"] = []
    if not validate_doc(broken, defs):
        problems.append("a Knative Service with a misspelt container field passed its schema")
    config = load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/config.yaml"))[0]
    config["data"].pop("DB_MAX_CONNECTIONS")
    if not any("DB_MAX_CONNECTIONS" in p for p in cross_checks([config, api], config_variables(), set())):
        problems.append("a variable missing from the ConfigMap went unnoticed")
    sticky = resources(hcl2.loads(
        'resource "scaleway_lb_backend" "x" {\n  sticky_sessions = "cookie"\n'
        '  health_check_http {\n    uri = "/health"\n  }\n}\n'))
    if not any("sticky_sessions" in p for p in terraform_problems(sticky)):
        problems.append("a cookie-sticky load balancer passed")
    allkeys = resources(hcl2.loads(
        'resource "scaleway_redis_cluster" "x" {\n  settings = {\n    "maxmemory-policy" = "allkeys-lru"\n  }\n}\n'))
    if not any("maxmemory-policy" in p for p in terraform_problems(allkeys)):
        problems.append("Redis with allkeys-lru passed")
    known = exported_metrics()
    if not metric_problems([("t", "rate(http_requests_totl[5m])")], known):
        problems.append("an alert on a metric no crate exports passed")
    if metric_problems([("t", "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))")], known):
        problems.append("a histogram bucket of an exported metric was refused")
    if not compose_problems({"services": {"api": {"environment": {"NOT_A_VAR": "1"}}}}, config_variables()):
        problems.append("a compose file without services passed")
    rows = pool_budget(load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/api-deployment.yaml"))
                       + load_yaml_docs(os.path.join(ROOT, "deploy/k8s/base/api-hpa.yaml")))
    if not pool_problems(rows, 100, quiet=True):
        problems.append("12 API pods of 25 connections fitted in max_connections 100")
    fail(problems, "selftest")
    print("  ok: every check rejects its broken input")


def main(argv):
    try:
        cmd = argv[1]
        if cmd == "k8s":
            check_k8s(argv[2:])
        elif cmd == "terraform":
            check_terraform(argv[2])
        elif cmd == "metrics":
            check_metrics(argv[2], argv[3])
        elif cmd == "compose":
            check_compose(argv[2])
        elif cmd == "pools":
            check_pools(argv[2], argv[3])
        elif cmd == "selftest":
            selftest()
        else:
            raise CheckError(f"unknown subcommand {cmd}")
    except CheckError as e:
        print(f"  {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
