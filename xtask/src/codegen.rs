//! `cargo xtask codegen`: writes `crates/ciel-schema/src/schema.rs` from a migrated database, the
//! way `diesel print-schema` would, without needing diesel_cli or libpq. The tidy test runs the
//! same generator and fails when the committed file is stale.

use anyhow::{Context, Result, bail};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Text};
use diesel_async::RunQueryDsl;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the generated schema lives, relative to the workspace root.
pub const SCHEMA_PATH: &str = "crates/ciel-schema/src/schema.rs";

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    udt_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    position: i32,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    parent: String,
}

/// Generates the schema source for the database at `database_url` (already migrated).
pub async fn generate(database_url: &str) -> Result<String> {
    let mut conn = ciel_storage::establish(database_url)
        .await
        .with_context(|| "connecting to the database to read its schema")?;

    let enums: Vec<Name> = diesel::sql_query(
        "SELECT t.typname::text AS name FROM pg_type t \
         JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'e' AND n.nspname = 'public' ORDER BY 1",
    )
    .load(&mut conn)
    .await?;
    let columns: Vec<ColumnRow> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text, c.udt_name::text, c.is_nullable::text \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name NOT LIKE '\\_\\_diesel%' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .load(&mut conn)
    .await?;
    let keys: Vec<KeyRow> = diesel::sql_query(
        "SELECT tc.table_name::text, k.column_name::text, k.ordinal_position::int AS position \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k \
           ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema \
         WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY' \
         ORDER BY 1, 3",
    )
    .load(&mut conn)
    .await?;
    let foreign: Vec<ForeignKeyRow> = diesel::sql_query(
        "SELECT cl.relname::text AS child, a.attname::text AS column_name, pl.relname::text AS parent \
         FROM pg_constraint c \
         JOIN pg_class cl ON cl.oid = c.conrelid \
         JOIN pg_class pl ON pl.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         WHERE c.contype = 'f' AND n.nspname = 'public' AND array_length(c.conkey, 1) = 1 \
         ORDER BY 1, 2",
    )
    .load(&mut conn)
    .await?;

    let enum_names: Vec<String> = enums.into_iter().map(|e| e.name).collect();
    let mut tables: BTreeMap<String, Vec<ColumnRow>> = BTreeMap::new();
    for c in columns {
        tables.entry(c.table_name.clone()).or_default().push(c);
    }
    let mut primary: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for k in keys {
        primary
            .entry(k.table_name)
            .or_default()
            .push((k.position, k.column_name));
    }
    if tables.is_empty() {
        bail!("the database has no tables: run the migrations first");
    }
    let source = render(&enum_names, &tables, &primary, &foreign)?;
    rustfmt(&source)
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn sql_type(udt: &str, enums: &[String]) -> Result<String> {
    if let Some(inner) = udt.strip_prefix('_') {
        return Ok(format!("Array<{}>", sql_type(inner, enums)?));
    }
    if enums.iter().any(|e| e == udt) {
        return Ok(camel(udt));
    }
    Ok(match udt {
        "uuid" => "Uuid",
        "text" => "Text",
        "varchar" => "Varchar",
        "bpchar" => "Bpchar",
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "bool" => "Bool",
        "timestamptz" => "Timestamptz",
        "timestamp" => "Timestamp",
        "date" => "Date",
        "jsonb" => "Jsonb",
        "json" => "Json",
        "float4" => "Float4",
        "float8" => "Float8",
        "bytea" => "Bytea",
        "inet" => "Inet",
        other => bail!("no diesel type known for Postgres type {other:?}; extend xtask codegen"),
    }
    .to_owned())
}

fn render(
    enums: &[String],
    tables: &BTreeMap<String, Vec<ColumnRow>>,
    primary: &BTreeMap<String, Vec<(i32, String)>>,
    foreign: &[ForeignKeyRow],
) -> Result<String> {
    let mut out = String::new();
    writeln!(out, "//! Diesel schema of the Ciel database.")?;
    writeln!(out, "//!")?;
    writeln!(
        out,
        "//! @generated by `cargo xtask codegen` from `migrations/`; do not edit by hand."
    )?;
    writeln!(out)?;
    writeln!(out, "/// Custom SQL types (Postgres enums).")?;
    writeln!(out, "pub mod sql_types {{")?;
    for e in enums {
        writeln!(
            out,
            "    /// The `{e}` enum.\n    #[derive(diesel::query_builder::QueryId, Clone, Copy, Debug, diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(name = \"{e}\"))]\n    pub struct {};\n",
            camel(e)
        )?;
    }
    writeln!(out, "}}\n")?;

    for (table, cols) in tables {
        let keys = primary
            .get(table)
            .with_context(|| format!("table {table} has no primary key; diesel needs one"))?;
        let key_list: Vec<&str> = keys.iter().map(|(_, k)| k.as_str()).collect();
        let used_enums: Vec<String> = enums
            .iter()
            .filter(|e| {
                cols.iter()
                    .any(|c| c.udt_name.trim_start_matches('_') == e.as_str())
            })
            .map(|e| camel(e))
            .collect();
        writeln!(out, "diesel::table! {{")?;
        writeln!(out, "    use diesel::sql_types::*;")?;
        for e in &used_enums {
            writeln!(out, "    use super::sql_types::{e};")?;
        }
        writeln!(out)?;
        writeln!(out, "    /// The `{table}` table.")?;
        writeln!(out, "    {table} ({}) {{", key_list.join(", "))?;
        for c in cols {
            let mut ty = sql_type(&c.udt_name, enums)?;
            if c.is_nullable == "YES" {
                ty = format!("Nullable<{ty}>");
            }
            writeln!(out, "        /// The `{}` column.", c.column_name)?;
            writeln!(out, "        {} -> {ty},", c.column_name)?;
        }
        writeln!(out, "    }}")?;
        writeln!(out, "}}\n")?;
    }

    // joinable! only where a child has exactly one single-column FK to a parent with a
    // single-column key (diesel allows one join path per pair).
    let mut pairs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for fk in foreign {
        pairs
            .entry((fk.child.clone(), fk.parent.clone()))
            .or_default()
            .push(fk.column_name.clone());
    }
    for ((child, parent), cols) in &pairs {
        let parent_single_key = primary.get(parent).is_some_and(|k| k.len() == 1);
        if cols.len() == 1 && parent_single_key && child != parent {
            writeln!(out, "diesel::joinable!({child} -> {parent} ({}));", cols[0])?;
        }
    }
    writeln!(out)?;
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    writeln!(
        out,
        "diesel::allow_tables_to_appear_in_same_query!({});",
        names.join(", ")
    )?;
    Ok(out)
}

fn rustfmt(source: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .context("rustfmt stdin")?
        .write_all(source.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("rustfmt rejected the generated schema");
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// The committed schema file's path under `root`.
pub fn schema_path(root: &Path) -> PathBuf {
    root.join(SCHEMA_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schema matches what the migrations produce (a stale generated file fails
    /// here, as `cargo xtask tidy` promises).
    #[tokio::test]
    async fn the_committed_schema_is_fresh() {
        let db = ciel_testkit::TestDb::migrated().await;
        let generated = generate(db.url()).await.unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let committed = std::fs::read_to_string(schema_path(&root)).unwrap();
        assert!(
            committed == generated,
            "crates/ciel-schema/src/schema.rs is stale: run `cargo xtask codegen` and commit it"
        );
    }

    #[test]
    fn postgres_types_map_to_diesel_types() {
        let enums = vec!["post_visibility".to_owned()];
        assert_eq!(sql_type("uuid", &enums).unwrap(), "Uuid");
        assert_eq!(sql_type("_uuid", &enums).unwrap(), "Array<Uuid>");
        assert_eq!(
            sql_type("post_visibility", &enums).unwrap(),
            "PostVisibility"
        );
        assert!(sql_type("tsvector", &enums).is_err());
    }
}
