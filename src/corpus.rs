//! Finding the documents to analyse.
//!
//! Owns the walk over the paths a user names: folders are walked recursively
//! (following links, detecting loops), hidden files and folders are skipped,
//! files of the accepted kinds are taken and the others counted. A file named
//! explicitly is always taken. A `.revlensignore` file (gitignore syntax) in a
//! walked folder excludes what it lists, such as a corpus's own notes. Problems met on the way (a missing path, an
//! unreadable folder, a broken link, a loop) are kept as [`WalkError`]s so the
//! run can report them instead of silently losing documents. The result is
//! sorted by path so that output never depends on the file system's order.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where a document's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    File(PathBuf),
    Stdin,
}

/// One document to analyse.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The path as the user gave it or as the walk found it (`-` for stdin).
    pub display: String,
    pub source: Source,
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    pub path: String,
    pub message: String,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Files skipped because they are not of an accepted kind.
    pub skipped: usize,
    /// Extensions of the skipped files, for the message (`pdf`, `docx`, …).
    pub skipped_kinds: BTreeSet<String>,
    pub errors: Vec<WalkError>,
    /// Things worth saying that lose no document (a link loop).
    pub warnings: Vec<WalkError>,
}

/// File extensions revlens reads (lowercase, without the dot).
pub const ACCEPTED: &[&str] = &["txt", "md", "markdown", "pdf", "docx"];

/// Whether a path has an accepted extension.
pub fn is_accepted(path: &Path) -> bool {
    extension(path).is_some_and(|e| ACCEPTED.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Walks `paths` (files, folders, or `-` for standard input).
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    let mut seen = BTreeSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if seen.insert(PathBuf::from("-")) {
                found.inputs.push(Input {
                    display: "-".into(),
                    source: Source::Stdin,
                });
            }
            continue;
        }
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => {
                let message = if std::fs::symlink_metadata(path).is_ok() {
                    "is a broken symbolic link".to_owned()
                } else {
                    describe_io(&e)
                };
                found.errors.push(WalkError {
                    path: display,
                    message,
                });
            }
            Ok(meta) if meta.is_dir() => walk_dir(path, &mut found, &mut seen),
            Ok(_) => {
                if seen.insert(path.clone()) {
                    found.inputs.push(Input {
                        display,
                        source: Source::File(path.clone()),
                    });
                }
            }
        }
    }
    found.inputs.sort();
    found
}

/// Name of the ignore file honoured in walked folders (gitignore syntax).
pub const IGNORE_FILE: &str = ".revlensignore";

fn walk_dir(root: &Path, found: &mut Discovery, seen: &mut BTreeSet<PathBuf>) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {}
            Ok(e) => {
                let path = e.path().to_path_buf();
                if is_accepted(&path) {
                    if seen.insert(path.clone()) {
                        found.inputs.push(Input {
                            display: path.display().to_string(),
                            source: Source::File(path),
                        });
                    }
                } else {
                    found.skipped += 1;
                    found
                        .skipped_kinds
                        .insert(extension(&path).unwrap_or_else(|| "(none)".into()));
                }
            }
            Err(e) => record_walk_error(root, &e, found),
        }
    }
}

fn record_walk_error(root: &Path, e: &ignore::Error, found: &mut Discovery) {
    // Peel the path and depth wrappers off to see what went wrong.
    let mut err = e;
    let mut path = None;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path.get_or_insert_with(|| p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => {
                err = inner;
            }
            _ => break,
        }
    }
    if let ignore::Error::Loop { child, .. } = err {
        // Every file under a loop is found through the real folder.
        found.warnings.push(WalkError {
            path: child.display().to_string(),
            message: "is a symbolic link that loops back to a folder above it; not followed".into(),
        });
        return;
    }
    let path = path.unwrap_or_else(|| root.to_path_buf());
    let io = match err {
        ignore::Error::Io(io) => Some(io),
        _ => None,
    };
    let broken = io.is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound);
    let error = WalkError {
        path: path.display().to_string(),
        message: match io {
            _ if broken => "is a broken symbolic link".to_owned(),
            Some(io) => describe_io(io),
            None => err.to_string(),
        },
    };
    // A dangling link to something that is not a document loses nothing; one
    // to a document, or an unreadable folder, does.
    if broken && !is_accepted(&path) {
        found.warnings.push(error);
    } else {
        found.errors.push(error);
    }
}

/// A short, user-facing description of an I/O error.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "does not exist".to_owned(),
        ErrorKind::PermissionDenied => "cannot be read: permission denied".to_owned(),
        _ => format!("cannot be read: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_sorted_skips_hidden_and_counts_others() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/deep")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("b/deep/z.txt"), "z").unwrap();
        fs::write(root.join("a.md"), "a").unwrap();
        fs::write(root.join(".hidden.txt"), "h").unwrap();
        fs::write(root.join(".git/x.txt"), "x").unwrap();
        fs::write(root.join("report.pdf"), "p").unwrap();
        fs::write(root.join("draft.DOCX"), "d").unwrap();
        fs::write(root.join("scan.png"), "i").unwrap();
        fs::write(root.join("notes.TXT"), "n").unwrap();
        let d = discover(&[root.to_path_buf()]);
        let names: Vec<_> = d
            .inputs
            .iter()
            .map(|i| {
                i.display
                    .trim_start_matches(&root.display().to_string())
                    .to_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "/a.md",
                "/b/deep/z.txt",
                "/draft.DOCX",
                "/notes.TXT",
                "/report.pdf"
            ]
        );
        assert_eq!(d.skipped, 1);
        assert!(d.errors.is_empty());
    }

    #[test]
    fn revlensignore_excludes_what_it_lists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(".revlensignore"), "SOURCES.md\ndrafts/\n").unwrap();
        fs::create_dir_all(root.join("drafts")).unwrap();
        fs::write(root.join("drafts/old.txt"), "x").unwrap();
        fs::write(root.join("SOURCES.md"), "x").unwrap();
        fs::write(root.join("review.txt"), "x").unwrap();
        let d = discover(&[root.to_path_buf()]);
        assert_eq!(d.inputs.len(), 1);
        assert!(d.inputs[0].display.ends_with("review.txt"));
    }

    #[test]
    fn missing_path_is_an_error_not_a_silence() {
        let d = discover(&[PathBuf::from("/definitely/not/here.txt")]);
        assert!(d.inputs.is_empty());
        assert_eq!(d.errors[0].message, "does not exist");
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_warn_and_broken_links_to_documents_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/review.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.txt"), root.join("dangling.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.png"), root.join("dangling.png")).unwrap();
        let d = discover(&[root.to_path_buf()]);
        assert_eq!(d.inputs.len(), 1, "{:?}", d.inputs);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(
            d.errors[0].path.ends_with("dangling.txt")
                && d.errors[0].message == "is a broken symbolic link"
        );
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
        assert!(d.warnings.iter().any(|w| w.message.contains("loops back")));
    }

    #[test]
    fn explicit_file_is_taken_whatever_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("draft.rtf.txt.bak");
        fs::write(&f, "x").unwrap();
        let d = discover(&[f]);
        assert_eq!(d.inputs.len(), 1);
    }
}
