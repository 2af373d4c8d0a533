//! Embeds the built-in rule files (`rules/*.toml`) in the binary, so revlens
//! works with no files beside it, and the sample reviews (`corpus/*.txt`),
//! whose text the matcher uses to estimate how common a literal is in review
//! prose (for speed only; see `rules::compile::Prefilter`). Generates a
//! list of `(path, contents)` for each.

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (folder, extension, list) in [
        ("rules", "toml", "builtin_rules.rs"),
        ("corpus", "txt", "reference_text.rs"),
    ] {
        println!("cargo:rerun-if-changed={folder}");
        let dir = Path::new(&manifest).join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == extension))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let mut out = String::from("&[\n");
        for path in &files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("embedded file names are UTF-8");
            out.push_str(&format!(
                "    ({:?}, include_str!({:?})),\n",
                format!("{folder}/{name}"),
                path.display().to_string()
            ));
            println!("cargo:rerun-if-changed={}", path.display());
        }
        out.push_str("]\n");
        std::fs::write(Path::new(&out_dir).join(list), out)
            .unwrap_or_else(|e| panic!("write {list}: {e}"));
    }
}
