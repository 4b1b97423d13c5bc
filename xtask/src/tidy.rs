//! `cargo xtask tidy`: the workspace's structural invariants, also run as tests.
//!
//! - Dependencies point inward: the domain has no I/O crates, use cases know no adapter,
//!   adapters know no other adapter nor the HTTP layer, binaries only wire.
//! - Every Rust source file starts with a `//!` line saying what it is for.
//! - Generated files are fresh (the schema check lives in `codegen`'s tests: it needs Postgres).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that perform I/O or bind a framework; the domain and the use cases must not use them.
const IO_CRATES: &[&str] = &[
    "diesel",
    "diesel-async",
    "diesel_migrations",
    "bb8",
    "actix-web",
    "actix-http",
    "actix-rt",
    "redis",
    "lapin",
    "rust-s3",
    "reqwest",
    "hyper",
    "moka",
    "sqlx",
    "tokio-postgres",
    // The wire description (OpenAPI) belongs to the HTTP layer, where the wire DTOs live.
    "utoipa",
];

/// Adapter crates: each may depend on the domain (and storage on the schema), never on another
/// adapter, the HTTP layer or the runtime.
const ADAPTERS: &[&str] = &[
    "ciel-storage",
    "ciel-cache",
    "ciel-media",
    "ciel-queue",
    "ciel-ratelimit",
];

/// One rule broken.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation(pub String);

/// A crate's direct normal (non-dev, non-build) dependencies.
pub type Graph = BTreeMap<String, Vec<String>>;

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    kind: Option<String>,
}

/// Reads the workspace's direct dependency graph from `cargo metadata`.
pub fn workspace_graph(root: &Path) -> Result<Graph> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let meta: Metadata = serde_json::from_slice(&output.stdout)?;
    Ok(meta
        .packages
        .into_iter()
        .filter(|p| meta.workspace_members.contains(&p.id))
        .map(|p| {
            let deps = p
                .dependencies
                .into_iter()
                .filter(|d| d.kind.is_none())
                .map(|d| d.name)
                .collect();
            (p.name, deps)
        })
        .collect())
}

/// Checks the dependency rules on `graph`.
pub fn check_edges(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut forbid = |from: &str, to: &str, why: &str| {
        if graph
            .get(from)
            .is_some_and(|deps| deps.iter().any(|d| d == to))
        {
            out.push(Violation(format!("{from} must not depend on {to}: {why}")));
        }
    };
    for io in IO_CRATES.iter().chain(&["tokio"]) {
        forbid(
            "ciel-domain",
            io,
            "the domain does no I/O and owns no runtime",
        );
    }
    for io in IO_CRATES {
        forbid(
            "ciel-app",
            io,
            "use cases reach the world only through ports",
        );
    }
    for layer in ADAPTERS
        .iter()
        .chain(&["ciel-http", "ciel-runtime", "ciel-schema"])
    {
        if *layer != "ciel-schema" {
            forbid("ciel-app", layer, "use cases depend on ports, not adapters");
        }
    }
    for a in ADAPTERS {
        for b in ADAPTERS
            .iter()
            .chain(&["ciel-http", "ciel-runtime", "ciel-app"])
        {
            if a != b {
                forbid(a, b, "adapters depend on the domain only");
            }
        }
    }
    for a in ADAPTERS.iter().chain(&["ciel-schema"]) {
        forbid(
            "ciel-http",
            a,
            "handlers translate; I/O happens behind ports",
        );
    }
    for dep in ["diesel", "diesel-async", "redis", "lapin", "rust-s3"] {
        forbid("ciel-http", dep, "no SQL, Redis, S3 or AMQP in handlers");
    }
    if let Some(deps) = graph.get("ciel-schema") {
        for d in deps.iter().filter(|d| *d != "diesel") {
            out.push(Violation(format!(
                "ciel-schema must stay a leaf (diesel only), found {d}"
            )));
        }
    }
    for bin in ["ciel-api", "ciel-worker", "ciel-lambda"] {
        if let Some(deps) = graph.get(bin) {
            for d in deps
                .iter()
                .filter(|d| d.starts_with("ciel-") && *d != "ciel-runtime")
            {
                out.push(Violation(format!(
                    "{bin} must only wire through ciel-runtime, found {d}"
                )));
            }
        }
    }
    for (krate, deps) in graph {
        if krate != "xtask" && deps.iter().any(|d| d == "ciel-testkit") {
            out.push(Violation(format!(
                "{krate} must use ciel-testkit as a dev-dependency only"
            )));
        }
    }
    out
}

/// Every `.rs` file under the workspace's crates, binaries and xtask.
pub fn rust_sources(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in ["crates", "bins", "xtask"] {
        walk(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

/// Files whose first line is not a `//!` doc line.
pub fn check_module_docs(files: &[PathBuf]) -> Vec<Violation> {
    files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.lines().next().unwrap_or("").starts_with("//!")
        })
        .map(|f| {
            Violation(format!(
                "{} must start with a `//!` line saying what it is for",
                f.display()
            ))
        })
        .collect()
}

/// Runs every check that needs no database.
pub fn run(root: &Path) -> Result<()> {
    let mut violations = check_edges(&workspace_graph(root)?);
    violations.extend(check_module_docs(&rust_sources(root)));
    if violations.is_empty() {
        eprintln!("tidy: dependency rules and module docs hold");
        return Ok(());
    }
    for v in &violations {
        eprintln!("tidy: {}", v.0);
    }
    bail!(
        "tidy found {} problem(s); fix them (see docs/ARCHITECTURE.md for the rules)",
        violations.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn the_workspace_follows_the_dependency_rules() {
        let graph = workspace_graph(&root()).unwrap();
        assert!(
            graph.contains_key("ciel-domain"),
            "metadata must list the workspace crates"
        );
        assert_eq!(check_edges(&graph), []);
    }

    #[test]
    fn diesel_in_the_domain_is_caught() {
        let mut graph = workspace_graph(&root()).unwrap();
        graph.get_mut("ciel-domain").unwrap().push("diesel".into());
        let violations = check_edges(&graph);
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert!(
            violations[0]
                .0
                .starts_with("ciel-domain must not depend on diesel")
        );
    }

    #[test]
    fn other_forbidden_edges_are_caught() {
        let mut graph = workspace_graph(&root()).unwrap();
        graph
            .get_mut("ciel-cache")
            .unwrap()
            .push("ciel-storage".into());
        graph.get_mut("ciel-http").unwrap().push("redis".into());
        graph.get_mut("ciel-api").unwrap().push("ciel-http".into());
        graph
            .get_mut("ciel-app")
            .unwrap()
            .push("ciel-storage".into());
        assert_eq!(check_edges(&graph).len(), 4);
    }

    #[test]
    fn every_source_file_has_a_module_doc() {
        let files = rust_sources(&root());
        assert!(files.len() > 20, "expected to find the workspace's sources");
        assert_eq!(check_module_docs(&files), []);
    }

    #[test]
    fn a_file_without_module_doc_is_caught() {
        let dir = root().join("target/tidy-test");
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join(format!("bad_{}.rs", std::process::id()));
        std::fs::write(&bad, "fn main() {}\n").unwrap();
        let found = check_module_docs(std::slice::from_ref(&bad));
        std::fs::remove_file(&bad).unwrap();
        assert_eq!(found.len(), 1);
    }
}
