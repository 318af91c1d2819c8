//! Regenerates include/genie.h from this crate's sources with cbindgen (settings in
//! cbindgen.toml). The header is committed; CI builds and runs `git diff --exit-code
//! include/genie.h`, so the committed header can never drift from the Rust exports.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let config_path = crate_dir.join("cbindgen.toml");
    let header = crate_dir.join("..").join("include").join("genie.h");

    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    // A hand edit of the header is undone by the next build instead of surviving until the
    // sources change.
    println!("cargo:rerun-if-changed={}", header.display());

    let config = cbindgen::Config::from_file(&config_path)
        .unwrap_or_else(|e| panic!("{}: {e}", config_path.display()));
    // Parsing src/lib.rs and the modules it declares (rather than `with_crate`) keeps the
    // build script from spawning `cargo metadata` inside a running cargo build.
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen could not generate include/genie.h: {e}"))
        // Writes only when the text changed, so an unchanged header keeps its mtime.
        .write_to_file(&header);
}
