//! Bad, hostile and faulty input, as a backlog delivers it: each case gives
//! the behaviour a user should get (a message naming the file, the rest of
//! the run unaffected, exit 3 where a document could not be analysed) and
//! nothing is lost or hangs. Rule files that are too big, too many, match
//! nothing or nest too deep either work or are refused with file, rule and
//! line. Sizes are chosen so that the whole matrix runs in seconds.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::contract::{Analysis, Document, parse_analysis};
use crate::util::{assert_code, revlens, revlens_in, stderr, stdout, write_rule_file};

/// A rule folder with one sentence-scoped rule, so counts below do not move
/// when the built-in rules change.
fn neglect_rules(dir: &Path) -> PathBuf {
    write_rule_file(
        dir,
        "rules",
        "neglect.toml",
        r#"[[rule]]
id = "neglect"
theme = "neglect"
any = ['\bneglect(?:ed|ful)?\b']
examples = [{ text = "The child was neglected.", match = true }, { text = "Nothing here.", match = false }]
"#,
    )
}

fn analyse(dir: &Path, args: &[&str]) -> (std::process::Output, Analysis) {
    let mut all = vec!["analyse", ".", "--format", "json"];
    all.extend_from_slice(args);
    let o = revlens_in(dir, &all);
    let a = parse_analysis(&stdout(&o));
    (o, a)
}

fn document<'a>(a: &'a Analysis, name: &str) -> &'a Document {
    a.documents
        .iter()
        .find(|d| d.path.ends_with(name))
        .unwrap_or_else(|| panic!("{name} missing from the output"))
}

fn utf16(text: &str, bom: bool, big_endian: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

/// Two sentences, repeated to make a 5 MB line.
const PAIR: &str = "The child was neglected at home for years. The school raised it. ";

const PROSE: &str =
    "Introduction\n\nThe child was neglected at home. The school raised concerns.\n";

/// What a user should get for one bad document.
enum Expect {
    /// Analysed, with this many hits of the `neglect` rule, and no warning.
    Analysed { hits: u64 },
    /// Analysed, with a warning on stderr naming the file.
    Warned { hits: u64, warning: &'static str },
    /// Not analysed: an error in the JSON and on stderr naming the file.
    Refused { error: &'static str },
}

struct Case {
    file: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
}

fn matrix() -> Vec<Case> {
    // One 5 MB line of sentences, every other one about neglect.
    let one_line = PAIR.repeat(5 * 1024 * 1024 / PAIR.len());
    let one_line_hits = (one_line.len() / PAIR.len()) as u64;
    // 300 KB with no sentence punctuation, no blank lines: one paragraph.
    let words = "the child was neglected and nobody asked him what he wanted\n";
    let unpunctuated = words.repeat(300 * 1024 / words.len());
    vec![
        Case {
            file: "empty.txt",
            bytes: Vec::new(),
            expect: Expect::Analysed { hits: 0 },
        },
        Case {
            file: "spaces_only.txt",
            bytes: b"  \n\t\n\n   \n".to_vec(),
            expect: Expect::Analysed { hits: 0 },
        },
        Case {
            file: "scan.txt",
            bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec(),
            expect: Expect::Refused {
                error: "looks like a binary file",
            },
        },
        Case {
            file: "zeros.txt",
            bytes: vec![0; 10_000],
            expect: Expect::Refused {
                error: "looks like a binary file",
            },
        },
        Case {
            file: "windows_1252.txt",
            bytes: b"The child\x92s needs were neglected \x96 nobody asked.\n".to_vec(),
            expect: Expect::Warned {
                hits: 1,
                warning: "is not valid UTF-8",
            },
        },
        Case {
            file: "utf16le_bom.txt",
            bytes: utf16(PROSE, true, false),
            expect: Expect::Analysed { hits: 1 },
        },
        Case {
            file: "utf16be_bom.txt",
            bytes: utf16(PROSE, true, true),
            expect: Expect::Analysed { hits: 1 },
        },
        Case {
            file: "utf16le_no_bom.txt",
            bytes: utf16(PROSE, false, false),
            expect: Expect::Warned {
                hits: 1,
                warning: "has no byte-order mark but looks like utf-16le",
            },
        },
        Case {
            file: "utf16be_no_bom.txt",
            bytes: utf16(PROSE, false, true),
            expect: Expect::Warned {
                hits: 1,
                warning: "has no byte-order mark but looks like utf-16be",
            },
        },
        Case {
            file: "one_line_5mb.txt",
            bytes: one_line.into_bytes(),
            expect: Expect::Analysed {
                hits: one_line_hits,
            },
        },
        Case {
            file: "no_punctuation.txt",
            bytes: unpunctuated.into_bytes(),
            // No sentence ends: the paragraph is one sentence, one hit.
            expect: Expect::Analysed { hits: 1 },
        },
    ]
}

#[test]
fn every_bad_document_is_reported_and_the_rest_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let rules = neglect_rules(dir.path());
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    let cases = matrix();
    for c in &cases {
        fs::write(docs.join(c.file), &c.bytes).unwrap();
    }
    fs::write(docs.join("good.txt"), PROSE).unwrap();
    let o = revlens_in(
        &docs,
        &[
            "analyse",
            ".",
            "--format",
            "json",
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "--max-evidence",
            "2",
        ],
    );
    // Two documents could not be analysed; all the others were.
    assert_code(&o, 3);
    let a = parse_analysis(&stdout(&o));
    let err = stderr(&o);
    assert_eq!(a.documents.len(), cases.len() + 1, "nothing is dropped");
    for c in &cases {
        let d = document(&a, c.file);
        let hits = d.themes.iter().map(|t| t.hits).sum::<u64>();
        match &c.expect {
            Expect::Analysed { hits: n } | Expect::Warned { hits: n, .. } => {
                assert!(d.errors.is_empty(), "{}: {:?}", c.file, d.errors);
                assert_eq!(hits, *n, "{}", c.file);
            }
            Expect::Refused { error } => {
                assert_eq!(d.errors.len(), 1, "{}: {:?}", c.file, d.errors);
                assert!(d.errors[0].contains(error), "{}: {:?}", c.file, d.errors);
                assert!(
                    err.contains(&format!("{}: {error}", c.file)),
                    "stderr names {}:\n{err}",
                    c.file
                );
            }
        }
        match &c.expect {
            Expect::Warned { warning, .. } => assert!(
                err.contains(&format!("{}: {warning}", c.file)),
                "stderr names {}:\n{err}",
                c.file
            ),
            _ => assert!(
                !err.lines()
                    .any(|l| l.contains(c.file) && !l.contains("binary")),
                "unexpected message about {}:\n{err}",
                c.file
            ),
        }
        // Evidence stays readable however long the sentence.
        for t in &d.themes {
            for e in &t.evidence {
                assert!(e.text.len() <= 1100, "{}: {} bytes", c.file, e.text.len());
            }
        }
    }
    // Positions on the 5 MB line: the second evidence item is the second
    // pair of sentences, one pair's length further along line 1.
    let long = document(&a, "one_line_5mb.txt");
    let evidence = &long.themes[0].evidence;
    assert_eq!((evidence[0].line, evidence[0].column), (1, 15));
    assert_eq!(
        (evidence[1].line, evidence[1].column),
        (1, 15 + PAIR.len() as u64)
    );
    assert!(
        document(&a, "no_punctuation.txt").themes[0].evidence[0]
            .text
            .contains('…'),
        "an unpunctuated paragraph is shown around the match"
    );
    let good = document(&a, "good.txt");
    assert_eq!(good.themes[0].hits, 1);
    // Inputs are only read: nothing was written beside them.
    assert_eq!(fs::read_dir(&docs).unwrap().count(), cases.len() + 1);
}

#[test]
fn ten_thousand_headings_give_ten_thousand_sections() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 1..=10_000 {
        text.push_str(&format!(
            "## Part {i}\n\nThe child was seen in part {i}.\n\n"
        ));
    }
    fs::write(dir.path().join("headings.md"), &text).unwrap();
    let o = revlens_in(dir.path(), &["sections", "headings.md", "--format", "json"]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 10_000);
    assert_eq!(sections[9_999]["title"], "Part 10000");
    assert_eq!(sections[9_999]["line"], 4 * 9_999 + 1);
}

#[test]
fn a_file_over_the_size_cap_is_skipped_with_a_message_and_the_cap_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), PROSE).unwrap();
    // 200 MB, sparse: no disk is used and nothing is written.
    let big = fs::File::create(dir.path().join("big.txt")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap();
    drop(big);
    let (o, a) = analyse(dir.path(), &[]);
    assert_code(&o, 3);
    assert!(
        stderr(&o)
            .contains("big.txt: is 200 MiB, over the 64 MiB limit; raise it with --max-file-size"),
        "{}",
        stderr(&o)
    );
    assert_eq!(document(&a, "big.txt").errors.len(), 1);
    assert!(document(&a, "good.txt").errors.is_empty());
    // Raised, the file is read, and found not to be text.
    let (o, a) = analyse(dir.path(), &["--max-file-size", "256"]);
    assert_code(&o, 3);
    assert!(document(&a, "big.txt").errors[0].contains("binary"));
    // Lowered to nothing, every file is over it.
    let (o, a) = analyse(dir.path(), &["--max-file-size", "0"]);
    assert_code(&o, 3);
    assert!(a.documents.iter().all(|d| d.errors.len() == 1));
}

#[test]
fn deep_folders_loops_and_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("backlog");
    let mut deep = root.clone();
    for i in 0..100 {
        deep.push(format!("d{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("deep.txt"), PROSE).unwrap();
    fs::write(root.join("top.txt"), PROSE).unwrap();
    std::os::unix::fs::symlink(&root, root.join("d0/d1/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("dangling.txt")).unwrap();
    let o = revlens_in(dir.path(), &["analyse", "backlog", "--format", "json"]);
    // The dangling link to a document loses one: exit 3, named.
    assert_code(&o, 3);
    let a = parse_analysis(&stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("dangling.txt: is a broken symbolic link"),
        "{err}"
    );
    assert!(
        err.contains("loop: is a symbolic link that loops back to a folder above it; not followed"),
        "{err}"
    );
    let paths: Vec<&str> = a.documents.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths.len(),
        3,
        "each document once, through the real folder: {paths:?}"
    );
    let deep = document(&a, "d99/deep.txt");
    assert!(deep.errors.is_empty() && deep.words > 5);
    assert!(document(&a, "top.txt").errors.is_empty());
    assert_eq!(document(&a, "dangling.txt").errors.len(), 1);
}

/// The effective user id, from /proc (tests must not assume they are not
/// root: containers often run them as root, who can read anything).
fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

#[test]
#[allow(clippy::print_stderr)] // says why the test is skipped, where it must be
fn a_file_without_read_permission_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(dir.path().join("good.txt"), PROSE).unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, PROSE).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_revlens"));
    if effective_uid() == Some(0) {
        // Root reads any file: run revlens as `nobody` so the permission
        // bits apply.
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipped: running as root without setpriv, permissions cannot be tested");
            return;
        }
        command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(env!("CARGO_BIN_EXE_revlens"));
    }
    let o = command
        .args(["analyse", ".", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_code(&o, 3);
    assert!(
        stderr(&o).contains("secret.txt: cannot be read: permission denied"),
        "{}",
        stderr(&o)
    );
    let a = parse_analysis(&stdout(&o));
    assert_eq!(document(&a, "secret.txt").errors.len(), 1);
    assert!(document(&a, "good.txt").errors.is_empty());
}

#[test]
fn a_file_that_disappears_during_the_run_is_reported() {
    use revlens::analyse::{Settings, stream};
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        fs::write(dir.path().join(name), PROSE).unwrap();
    }
    let found = revlens::corpus::discover(&[dir.path().to_path_buf()]);
    assert_eq!(found.inputs.len(), 3);
    // Gone between the walk and the reading.
    fs::remove_file(dir.path().join("b.txt")).unwrap();
    let mut reports = Vec::new();
    stream(
        &found.inputs,
        &found.errors,
        &Settings::default(),
        &|| {},
        |r| {
            reports.push(r);
            Ok(())
        },
    )
    .unwrap();
    let errors: Vec<(String, Vec<String>)> = reports
        .iter()
        .map(|r| {
            let name = Path::new(&r.path).file_name().unwrap();
            (name.to_string_lossy().into_owned(), r.errors.clone())
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("a.txt".to_owned(), vec![]),
            ("b.txt".to_owned(), vec!["does not exist".to_owned()]),
            ("c.txt".to_owned(), vec![]),
        ]
    );
}

#[test]
fn an_unwritable_output_fails_before_any_document_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // Reading this document would print a warning.
    fs::write(dir.path().join("legacy.txt"), b"caf\xe9 and neglect\n").unwrap();
    for target in ["/proc/no/such/dir/out.json", "."] {
        let o = revlens_in(dir.path(), &["analyse", ".", "--output", target]);
        assert_code(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("cannot write output to {target}")),
            "{err}"
        );
        assert!(!err.contains("legacy.txt"), "a document was read: {err}");
    }
}

#[test]
fn an_interrupted_run_leaves_the_output_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    fs::write(&target, "the previous report\n").unwrap();
    // Reading standard input that never ends keeps the run going until the
    // interrupt, whatever the speed of the machine.
    let mut child = Command::new(env!("CARGO_BIN_EXE_revlens"))
        .args(["analyse", "-", "--format", "json", "--output"])
        .arg(&target)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(PROSE.as_bytes()).unwrap();
    let partial = |dir: &Path| {
        fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).any(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with(".revlens-partial")
        })
    };
    let started = Instant::now();
    while !partial(dir.path()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no temporary output file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "the previous report\n"
    );
    assert!(!partial(dir.path()), "the temporary file is removed");
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
}

fn rule_folder(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn load_rules(dir: &Path) -> std::process::Output {
    revlens(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        dir.to_str().unwrap(),
    ])
}

#[test]
fn hostile_patterns_are_refused_at_load_time_with_file_rule_and_line() {
    let nested_deep = format!("{}neglect{}", "(?:".repeat(400), ")".repeat(400));
    let text = format!(
        r#"[[rule]]
id = "huge"
any = ['\w{{1000}}\w{{1000}}\w{{1000}}']

[[rule]]
id = "empty-match"
any = ['(?:neglect)?']

[[rule]]
id = "too-deep"
any = ['{nested_deep}']
"#
    );
    let dir = rule_folder(&[("hostile.toml", text)]);
    let o = load_rules(dir.path());
    assert_code(&o, 2);
    let err = stderr(&o);
    for expected in [
        "hostile.toml:3: rule `huge`: bad regex in `any`: the compiled pattern is larger than",
        "hostile.toml:7: rule `empty-match`: bad regex in `any`: it can match the empty string",
        "hostile.toml:11: rule `too-deep`: bad regex in `any`:",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.contains("3 problems in the rule files"), "{err}");
}

#[test]
fn deeply_nested_groups_within_the_limit_work() {
    let nested = format!("{}neglect{}", "(?:".repeat(100), ")".repeat(100));
    let text = format!(
        r#"[[rule]]
id = "nested"
any = ['\b{nested}\b']
examples = [{{ text = "He was neglected.", match = false }}, {{ text = "Signs of neglect.", match = true }}]
"#
    );
    let dir = rule_folder(&[("nested.toml", text)]);
    let o = load_rules(dir.path());
    assert_code(&o, 0);
}

#[test]
fn thousands_of_rules_load_test_and_match() {
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\ntheme = \"t{}\"\nany = ['\\bcode{i}x\\b']\nexamples = [{{ text = \"code{i}x\", match = true }}, {{ text = \"code{i}xy\", match = false }}]\n\n",
            i % 40
        ));
    }
    let dir = rule_folder(&[("many.toml", text)]);
    let o = load_rules(dir.path());
    assert_code(&o, 0);
    fs::write(
        dir.path().join("doc.txt"),
        "Introduction\n\nSeen: code7x and code2999x. Not code12xy.\n",
    )
    .unwrap();
    let o = revlens_in(
        dir.path(),
        &[
            "analyse",
            "doc.txt",
            "--format",
            "json",
            "--no-default-rules",
            "--rules",
            ".",
        ],
    );
    assert_code(&o, 0);
    let a = parse_analysis(&stdout(&o));
    let themes: Vec<(&str, u64)> = a.documents[0]
        .themes
        .iter()
        .map(|t| (t.id.as_str(), t.hits))
        .collect();
    assert_eq!(themes, [("t39", 1), ("t7", 1)]);
}
