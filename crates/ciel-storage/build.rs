//! Rebuilds the crate when a migration is added, changed or removed: `embed_migrations!` reads
//! the directory at compile time, and cargo does not otherwise notice a new migration folder.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
