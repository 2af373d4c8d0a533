//! Replays the fuzz targets' seed inputs and every saved crash input
//! (`fuzz/regressions/<target>/`) through the same functions the fuzzers
//! call, so a crash found once stays fixed. See fuzz/Cargo.toml to run the
//! fuzzers themselves.

use revlens::fuzzing::TARGETS;

use crate::util::root;

#[test]
fn seeds_and_saved_crashes_pass_every_target() {
    let mut ran = 0;
    for (name, target) in TARGETS {
        for folder in ["seeds", "regressions"] {
            let dir = root().join("fuzz").join(folder).join(name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name} fails on {}", path.display());
                ran += 1;
            }
        }
    }
    assert!(ran >= 60, "expected the seed inputs, ran {ran}");
}
