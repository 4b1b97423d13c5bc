//! `cargo xtask deploy-check` (also a step of `cargo xtask test`): validates `deploy/` as far as a
//! machine without a container engine allows — Dockerfile lint, Kubernetes manifests against the
//! Kubernetes schemas (and vendored KEDA/Knative schemas), the rendered kustomize overlays, the
//! Terraform's HCL and settings, the pool sizing rule, the Prometheus rules and their unit tests, the metric names used
//! by alerts and the dashboard, and the compose stack. Tools install under `target/deploy-tools`.

mod tools;

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The Python half of the checks (Kubernetes schemas, HCL, PromQL), run in the tools' venv.
const CHECK_PY: &str = include_str!("check.py");

enum Outcome {
    Ok,
    Failed,
    Skipped(String),
}

struct Run {
    root: PathBuf,
    work: PathBuf,
    steps: Vec<(String, Outcome)>,
}

impl Run {
    fn record(&mut self, name: &str, outcome: Outcome) {
        self.steps.push((name.to_owned(), outcome));
    }

    fn command(&mut self, name: &str, cmd: &mut Command) {
        eprintln!("deploy-check: {name}");
        let ok = cmd
            .current_dir(&self.root)
            .env("CIEL_ROOT", &self.root)
            .status()
            .map(|s| s.success())
            .unwrap_or_else(|e| {
                eprintln!("  cannot run: {e}");
                false
            });
        self.record(name, if ok { Outcome::Ok } else { Outcome::Failed });
    }

    fn skip(&mut self, name: &str, why: &str) {
        eprintln!("deploy-check: {name}: skipped ({why})");
        self.record(name, Outcome::Skipped(why.to_owned()));
    }
}

/// Runs every check; fails when any step failed (skipped steps say why and do not fail).
pub fn run(args: &[&str]) -> Result<()> {
    if let Some(other) = args.first() {
        bail!("unknown argument {other:?}; usage: cargo xtask deploy-check");
    }
    let started = Instant::now();
    let root = crate::root();
    let work = root.join("target/deploy-tools");
    let tools = tools::ensure(&work)?;
    let check_py = work.join("check.py");
    std::fs::write(&check_py, CHECK_PY)?;
    let mut run = Run {
        root: root.clone(),
        work,
        steps: Vec::new(),
    };
    let py = |sub: &[&str]| {
        let mut cmd = Command::new(&tools.python);
        cmd.arg(&check_py).args(sub);
        cmd
    };

    let dockerfiles = files(&root.join("deploy/docker"), "Dockerfile")?;
    run.command(
        "hadolint deploy/docker/*.Dockerfile",
        Command::new(&tools.hadolint)
            .args(["--config", "deploy/docker/hadolint.yaml"])
            .args(&dockerfiles),
    );

    let manifests = k8s_sources(&root)?;
    let manifest_args: Vec<&str> = manifests.iter().map(String::as_str).collect();
    run.command(
        "Kubernetes manifests (each file, strict schemas)",
        &mut py(&[&["k8s"], manifest_args.as_slice()].concat()),
    );
    render_overlays(&mut run, &py)?;

    run.command(
        "Terraform parses and holds its settings (python-hcl2)",
        &mut py(&["terraform", "deploy/terraform/scaleway"]),
    );
    match tools::on_path("terraform") {
        Some(terraform) => run.command(
            "terraform fmt -check",
            Command::new(terraform).args(["fmt", "-check", "-recursive", "deploy/terraform"]),
        ),
        None => run.skip(
            "terraform fmt -check",
            "terraform is not installed (not in Debian; the HCL parse above still ran)",
        ),
    }

    match &tools.promtool {
        Ok(promtool) => {
            run.command(
                "promtool check rules",
                Command::new(promtool).args(["check", "rules", "deploy/prometheus/alerts.yaml"]),
            );
            run.command(
                "promtool test rules",
                Command::new(promtool).args([
                    "test",
                    "rules",
                    "deploy/prometheus/alerts.test.yaml",
                ]),
            );
        }
        Err(why) => {
            eprintln!("deploy-check: promtool unavailable: {why}");
            run.record("promtool check/test rules", Outcome::Failed);
        }
    }
    run.command(
        "alert and dashboard metrics exist in the code",
        &mut py(&[
            "metrics",
            "deploy/prometheus/alerts.yaml",
            "deploy/grafana/ciel-overview.json",
        ]),
    );

    run.command(
        "compose stack structure",
        &mut py(&["compose", "deploy/compose.yaml"]),
    );
    if docker_compose_available() {
        run.command(
            "docker compose config",
            Command::new("docker").args(["compose", "-f", "deploy/compose.yaml", "config", "-q"]),
        );
    } else {
        run.skip(
            "docker compose config",
            "no docker CLI with the compose plugin on this machine",
        );
    }
    run.command(
        "checker self-test (each check rejects a broken input)",
        &mut py(&["selftest"]),
    );

    eprintln!();
    eprintln!(
        "deploy-check summary ({:.0} s):",
        started.elapsed().as_secs_f64()
    );
    for (name, outcome) in &run.steps {
        let status = match outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Failed => "FAILED".to_owned(),
            Outcome::Skipped(why) => format!("skipped: {why}"),
        };
        eprintln!("  {name:<56} {status}");
    }
    if run.steps.iter().any(|(_, o)| matches!(o, Outcome::Failed)) {
        bail!("deploy-check failed (see above)");
    }
    Ok(())
}

/// Renders each kustomize overlay with `kubectl kustomize` and checks the result as applied.
fn render_overlays(run: &mut Run, py: &dyn Fn(&[&str]) -> Command) -> Result<()> {
    let name = "Kubernetes overlays rendered (kubectl kustomize)";
    let Some(kubectl) = tools::on_path("kubectl") else {
        run.skip(
            name,
            "kubectl is not installed; each manifest file was still checked on its own",
        );
        return Ok(());
    };
    let overlays = run.root.join("deploy/k8s/overlays");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&overlays)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let overlay = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let step = format!("{name}: {overlay}");
        eprintln!("deploy-check: {step}");
        let out = Command::new(&kubectl).arg("kustomize").arg(&dir).output()?;
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            run.record(&step, Outcome::Failed);
            continue;
        }
        let rendered = run.work.join(format!("rendered-{overlay}.yaml"));
        std::fs::write(&rendered, &out.stdout)?;
        let rendered = rendered.to_string_lossy().into_owned();
        let ok = py(&["k8s", &rendered])
            .current_dir(&run.root)
            .env("CIEL_ROOT", &run.root)
            .status()?
            .success();
        run.record(&step, if ok { Outcome::Ok } else { Outcome::Failed });
        let step = format!("pool sizing rule: {overlay} vs deploy/terraform/scaleway");
        eprintln!("deploy-check: {step}");
        let ok = py(&["pools", &rendered, "deploy/terraform/scaleway"])
            .current_dir(&run.root)
            .env("CIEL_ROOT", &run.root)
            .status()?
            .success();
        run.record(&step, if ok { Outcome::Ok } else { Outcome::Failed });
    }
    Ok(())
}

/// Every manifest file under deploy/k8s (base, canary, overlays), relative to the root.
fn k8s_sources(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for dir in ["deploy/k8s/base", "deploy/k8s/canary"] {
        out.extend(files(&root.join(dir), ".yaml")?);
    }
    for overlay in std::fs::read_dir(root.join("deploy/k8s/overlays"))? {
        let overlay = overlay?.path();
        if overlay.is_dir() {
            out.extend(files(&overlay, ".yaml")?);
        }
    }
    // secret.example.yaml is checked separately (it is a template, not applied).
    out.retain(|f| !f.ends_with("secret.example.yaml"));
    Ok(out
        .into_iter()
        .map(|f| {
            Path::new(&f)
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(f)
        })
        .collect())
}

/// Files in `dir` whose name ends with `suffix`, sorted.
fn files(dir: &Path, suffix: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    out.sort();
    Ok(out)
}

fn docker_compose_available() -> bool {
    tools::on_path("docker").is_some()
        && Command::new("docker")
            .args(["compose", "version"])
            .output()
            .is_ok_and(|o| o.status.success())
}
