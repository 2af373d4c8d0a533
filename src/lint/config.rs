//! Project configuration for `revlens lint`: `revlens.toml`.
//!
//! Owns finding the configuration that applies to a draft (the first
//! `revlens.toml` or `.revlens.toml` in the draft's folder or above it, as
//! typos and ast-grep find theirs) and reading it strictly: unknown keys and
//! bad values are errors with the file and line, like rule files.
//!
//! ```toml
//! disable = ["recommendation-vague"]        # rules switched off
//! rules = ["local-rules"]                   # extra rule folders, relative to this file
//! [severity]
//! victim-blaming-usage-placing-self-at-risk = "error"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::rules::{RuleError, Severity};

/// File names looked for, in order, in each folder.
pub const CONFIG_NAMES: &[&str] = &["revlens.toml", ".revlens.toml"];

/// The lint configuration in force for a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LintConfig {
    /// The file it was read from (`None`: no configuration found).
    pub file: Option<PathBuf>,
    /// Rule ids (or lint check names) switched off.
    pub disable: Vec<String>,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Extra rule folders (absolute, resolved against the config's folder).
    pub rules: Vec<PathBuf>,
}

/// Finds and reads the configuration for `start` (a file or folder).
pub fn find(start: &Path) -> Result<LintConfig, RuleError> {
    let start = if start.is_dir() {
        start.to_path_buf()
    } else {
        start
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let start = start.canonicalize().unwrap_or(start);
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                let text = std::fs::read_to_string(&candidate).map_err(|e| RuleError {
                    file: candidate.display().to_string(),
                    rule: None,
                    line: 1,
                    message: format!("cannot read: {e}"),
                })?;
                return parse(&candidate, &text);
            }
        }
    }
    Ok(LintConfig::default())
}

/// Reads a configuration file's text.
pub fn parse(path: &Path, text: &str) -> Result<LintConfig, RuleError> {
    let file = path.display().to_string();
    let line_of = |offset: usize| {
        text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let err = |offset: usize, message: String| RuleError {
        file: file.clone(),
        rule: None,
        line: line_of(offset),
        message,
    };
    let doc = DeTable::parse(text).map_err(|e| {
        err(
            e.span().map_or(0, |s| s.start),
            format!("not valid TOML: {}", e.message().trim()),
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut config = LintConfig {
        file: Some(path.to_path_buf()),
        ..LintConfig::default()
    };
    for (key, value) in doc.get_ref().iter() {
        match key.get_ref().as_ref() {
            "disable" => config.disable = strings(value).map_err(|m| err(value.span().start, m))?,
            "rules" => {
                config.rules = strings(value)
                    .map_err(|m| err(value.span().start, m))?
                    .into_iter()
                    .map(|d| base.join(d))
                    .collect();
            }
            "severity" => {
                let DeValue::Table(t) = value.get_ref() else {
                    return Err(err(
                        value.span().start,
                        "`severity` must be a table of rule = \"info|warning|error\"".into(),
                    ));
                };
                for (rule, sev) in t.iter() {
                    let DeValue::String(s) = sev.get_ref() else {
                        return Err(err(
                            sev.span().start,
                            format!("severity of `{}` must be a string", rule.get_ref()),
                        ));
                    };
                    let level = Severity::parse(s).ok_or_else(|| {
                        err(
                            sev.span().start,
                            format!("unknown severity `{s}`; use info, warning or error"),
                        )
                    })?;
                    config.severity.insert(rule.get_ref().to_string(), level);
                }
            }
            other => {
                return Err(err(
                    key.span().start,
                    format!(
                        "unknown key `{other}`; revlens.toml takes disable, rules and [severity]"
                    ),
                ));
            }
        }
    }
    Ok(config)
}

fn strings(v: &Spanned<DeValue>) -> Result<Vec<String>, String> {
    let DeValue::Array(items) = v.get_ref() else {
        return Err("expected a list of strings".into());
    };
    items
        .iter()
        .map(|i| match i.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err("expected a list of strings".into()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_resolves_folders() {
        let c = parse(
            Path::new("/drafts/revlens.toml"),
            "disable = [\"recommendation-vague\"]\nrules = [\"local\"]\n[severity]\nvictim-blaming-usage = \"error\"\n",
        )
        .unwrap();
        assert_eq!(c.disable, ["recommendation-vague"]);
        assert_eq!(c.rules, [PathBuf::from("/drafts/local")]);
        assert_eq!(c.severity["victim-blaming-usage"], Severity::Error);
    }

    #[test]
    fn problems_are_located() {
        let e = parse(Path::new("revlens.toml"), "disable = []\nfail = 1\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("unknown key `fail`")),
            (2, true)
        );
        let e = parse(Path::new("revlens.toml"), "[severity]\nx = \"fatal\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn found_by_walking_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("revlens.toml"), "disable = [\"x\"]\n").unwrap();
        std::fs::write(dir.path().join("a/b/draft.txt"), "text").unwrap();
        let c = find(&dir.path().join("a/b/draft.txt")).unwrap();
        assert_eq!(c.disable, ["x"]);
        assert!(c.file.unwrap().ends_with("revlens.toml"));
    }
}
