//! Helpers shared by the integration tests: running the built binary and
//! making scratch folders of fixture files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `corpus/` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `revlens` binary in `dir` with `args`.
pub fn revlens_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_revlens"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run revlens")
}

/// Runs the built `revlens` binary at the repository root.
pub fn revlens(args: &[&str]) -> Output {
    revlens_in(&root(), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing stderr when it is wrong.
#[track_caller]
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stderr:\n{}", stderr(o));
}

/// Writes a rule file, `file` holding `toml`, in the folder `folder` of
/// `dir` (made if need be), and returns the folder.
pub fn write_rule_file(dir: &Path, folder: &str, file: &str, toml: &str) -> PathBuf {
    let rules = dir.join(folder);
    std::fs::create_dir_all(&rules).expect("make the rule folder");
    std::fs::write(rules.join(file), toml).expect("write the rule file");
    rules
}
