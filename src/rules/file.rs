//! Rule files as written on disk.
//!
//! Owns reading the TOML of a rule file into [`RawRule`]s while keeping the
//! line of every key and pattern, and checking everything that can be checked
//! without compiling: unknown keys (with the nearest known one suggested),
//! missing or empty `any`, wrong types, kebab-case ids, unknown scopes,
//! section kinds and severities. Problems are collected, never thrown, so a
//! rule author sees all of them at once.

use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::sections::SectionKind;
use crate::text::LineIndex;

/// A problem in a rule file, located for its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    /// The rule's id, when the problem is inside a rule that has one.
    pub rule: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(id) => write!(
                f,
                "{}:{}: rule `{id}`: {}",
                self.file, self.line, self.message
            ),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// The unit a rule's patterns are tested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Sentence,
    Paragraph,
    Section,
    Document,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Sentence => "sentence",
            Scope::Paragraph => "paragraph",
            Scope::Section => "section",
            Scope::Document => "document",
        }
    }
}

/// How serious a lint finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A regex as written, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPattern {
    pub text: String,
    pub line: usize,
}

/// An example a rule must (or must not) match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub should_match: bool,
    /// The kind of section the text is imagined in (for rules limited to
    /// some kinds of section).
    pub section: Option<SectionKind>,
    pub line: usize,
}

/// A rule as written in its file, checked for shape but not compiled.
#[derive(Debug, Clone)]
pub struct RawRule {
    pub file: String,
    pub line: usize,
    pub id: String,
    pub theme: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub any: Vec<RawPattern>,
    pub all: Vec<RawPattern>,
    pub none: Vec<RawPattern>,
    pub scope: Scope,
    pub sections: Vec<SectionKind>,
    pub case_sensitive: bool,
    pub lint: bool,
    pub severity: Severity,
    pub message: Option<String>,
    pub suggestion: Option<String>,
    pub examples: Vec<Example>,
    pub group: Option<String>,
    pub priority: i64,
    /// The rule fires in a scope unit only if its `any` patterns match there
    /// at least this many times (default 1).
    pub min_matches: usize,
}

/// Keys a `[[rule]]` table may have.
pub const RULE_KEYS: &[&str] = &[
    "id",
    "theme",
    "name",
    "description",
    "category",
    "any",
    "all",
    "none",
    "scope",
    "sections",
    "case_sensitive",
    "lint",
    "severity",
    "message",
    "suggestion",
    "examples",
    "group",
    "priority",
    "min_matches",
];
const EXAMPLE_KEYS: &[&str] = &["text", "match", "section"];

/// Parses one rule file. Problems go to `errors`; the rules that could be
/// read are returned (possibly with some fields defaulted).
pub fn parse(file: &str, source: &str, errors: &mut Vec<RuleError>) -> Vec<RawRule> {
    // Looked up, not counted again for each span: a file of thousands of
    // rules has tens of thousands of them.
    let lines = LineIndex::new(source);
    let err = |line: usize, rule: Option<&str>, message: String| RuleError {
        file: file.to_owned(),
        rule: rule.map(str::to_owned),
        line,
        message,
    };
    let (doc, syntax) = DeTable::parse_recoverable(source);
    if !syntax.is_empty() {
        for e in syntax {
            let line = e.span().map_or(1, |s| lines.line_of(s.start));
            errors.push(err(
                line,
                None,
                format!("not valid TOML: {}", e.message().trim()),
            ));
        }
        return Vec::new();
    }
    let mut rules = Vec::new();
    let mut saw_rule_key = false;
    for (key, value) in doc.get_ref().iter() {
        if key.get_ref() != "rule" {
            errors.push(err(
                lines.line_of(key.span().start),
                None,
                format!(
                    "unknown top-level key `{}`; a rule file holds `[[rule]]` tables",
                    key.get_ref()
                ),
            ));
            continue;
        }
        saw_rule_key = true;
        let DeValue::Array(items) = value.get_ref() else {
            errors.push(err(
                lines.line_of(key.span().start),
                None,
                "`rule` must be written as `[[rule]]` tables".into(),
            ));
            continue;
        };
        for item in items {
            let DeValue::Table(table) = item.get_ref() else {
                errors.push(err(
                    lines.line_of(item.span().start),
                    None,
                    "each `rule` must be a table".into(),
                ));
                continue;
            };
            if let Some(rule) = parse_rule(file, table, item.span().start, &lines, errors) {
                rules.push(rule);
            }
        }
    }
    if !saw_rule_key && errors.iter().all(|e| e.file != file) {
        errors.push(err(1, None, "no `[[rule]]` tables in this file".into()));
    }
    rules
}

fn parse_rule(
    file: &str,
    table: &DeTable,
    table_start: usize,
    lines: &LineIndex,
    errors: &mut Vec<RuleError>,
) -> Option<RawRule> {
    // The rule's own line: its `id` key if it has one, else the table.
    let id_entry = table.iter().find(|(k, _)| k.get_ref() == "id");
    let rule_line = id_entry.map_or_else(
        || lines.line_of(table_start),
        |(k, _)| lines.line_of(k.span().start),
    );
    let id = match id_entry.map(|(_, v)| v) {
        Some(v) => match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            _ => {
                errors.push(RuleError {
                    file: file.into(),
                    rule: None,
                    line: lines.line_of(v.span().start),
                    message: "`id` must be a string".into(),
                });
                return None;
            }
        },
        None => {
            errors.push(RuleError {
                file: file.into(),
                rule: None,
                line: rule_line,
                message: "rule has no `id`; add `id = \"kebab-case-name\"`".into(),
            });
            return None;
        }
    };
    let mut p = RuleParser {
        file,
        id: &id,
        lines,
        errors,
    };
    if !is_kebab_case(&id) {
        p.error(
            rule_line,
            format!("id `{id}` is not kebab-case (lowercase letters, digits and single hyphens)"),
        );
    }
    let mut rule = RawRule {
        file: file.to_owned(),
        line: rule_line,
        id: id.clone(),
        theme: None,
        name: None,
        description: None,
        category: None,
        any: Vec::new(),
        all: Vec::new(),
        none: Vec::new(),
        scope: Scope::Sentence,
        sections: Vec::new(),
        case_sensitive: false,
        lint: false,
        severity: Severity::Warning,
        message: None,
        suggestion: None,
        examples: Vec::new(),
        group: None,
        priority: 0,
        min_matches: 1,
    };
    let mut saw_any = false;
    for (key, value) in table.iter() {
        let key_line = lines.line_of(key.span().start);
        match key.get_ref().as_ref() {
            "id" => {}
            "theme" => {
                rule.theme = p.string(value);
                if let Some(t) = &rule.theme {
                    if !is_kebab_case(t) {
                        p.error(key_line, format!("theme `{t}` is not kebab-case"));
                    }
                }
            }
            "name" => rule.name = p.string(value),
            "description" => rule.description = p.string(value),
            "category" => rule.category = p.string(value),
            "message" => rule.message = p.string(value),
            "suggestion" => rule.suggestion = p.string(value),
            "group" => rule.group = p.string(value),
            "any" => {
                saw_any = true;
                rule.any = p.patterns("any", value);
                if rule.any.is_empty() && matches!(value.get_ref(), DeValue::Array(_)) {
                    p.error(key_line, "`any` is empty; give at least one pattern".into());
                }
            }
            "all" => rule.all = p.patterns("all", value),
            "none" => rule.none = p.patterns("none", value),
            "scope" => {
                if let Some(s) = p.string(value) {
                    rule.scope = match s.as_str() {
                        "sentence" => Scope::Sentence,
                        "paragraph" => Scope::Paragraph,
                        "section" => Scope::Section,
                        "document" => Scope::Document,
                        other => {
                            p.error(
                                key_line,
                                format!("unknown scope `{other}`; use sentence, paragraph, section or document"),
                            );
                            Scope::Sentence
                        }
                    }
                }
            }
            "sections" => rule.sections = p.section_kinds(value),
            "case_sensitive" => rule.case_sensitive = p.boolean(value).unwrap_or(false),
            "lint" => rule.lint = p.boolean(value).unwrap_or(false),
            "severity" => {
                if let Some(s) = p.string(value) {
                    match Severity::parse(&s) {
                        Some(sev) => rule.severity = sev,
                        None => p.error(
                            key_line,
                            format!("unknown severity `{s}`; use info, warning or error"),
                        ),
                    }
                }
            }
            "priority" => match value.get_ref() {
                DeValue::Integer(i) => match i.as_str().replace('_', "").parse::<i64>() {
                    Ok(n) => rule.priority = n,
                    Err(_) => p.error(key_line, "`priority` must be a whole number".into()),
                },
                _ => p.error(key_line, "`priority` must be a whole number".into()),
            },
            "min_matches" => match value.get_ref() {
                DeValue::Integer(i) => match i.as_str().replace('_', "").parse::<usize>() {
                    Ok(n) if n >= 1 => rule.min_matches = n,
                    _ => p.error(
                        key_line,
                        "`min_matches` must be a whole number of at least 1".into(),
                    ),
                },
                _ => p.error(
                    key_line,
                    "`min_matches` must be a whole number of at least 1".into(),
                ),
            },
            "examples" => rule.examples = p.examples(value),
            other => {
                let hint = nearest(other, RULE_KEYS)
                    .map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                p.error(key_line, format!("unknown key `{other}`{hint}"));
            }
        }
    }
    if !saw_any {
        p.error(
            rule_line,
            "rule has no `any` patterns; add `any = ['…']`".into(),
        );
    }
    Some(rule)
}

struct RuleParser<'a, 'e> {
    file: &'a str,
    id: &'a str,
    lines: &'a LineIndex,
    errors: &'e mut Vec<RuleError>,
}

impl RuleParser<'_, '_> {
    fn error(&mut self, line: usize, message: String) {
        self.errors.push(RuleError {
            file: self.file.to_owned(),
            rule: Some(self.id.to_owned()),
            line,
            message,
        });
    }

    fn line(&self, v: &Spanned<DeValue>) -> usize {
        self.lines.line_of(v.span().start)
    }

    fn string(&mut self, v: &Spanned<DeValue>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                let line = self.line(v);
                self.error(line, "expected a string".into());
                None
            }
        }
    }

    fn boolean(&mut self, v: &Spanned<DeValue>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                let line = self.line(v);
                self.error(line, "expected true or false".into());
                None
            }
        }
    }

    fn patterns(&mut self, key: &str, v: &Spanned<DeValue>) -> Vec<RawPattern> {
        let DeValue::Array(items) = v.get_ref() else {
            let line = self.line(v);
            self.error(
                line,
                format!("`{key}` must be a list of regexes, e.g. {key} = ['…']"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => out.push(RawPattern {
                    text: s.to_string(),
                    line: self.line(item),
                }),
                _ => {
                    let line = self.line(item);
                    self.error(
                        line,
                        format!("`{key}` holds something that is not a string"),
                    );
                }
            }
        }
        out
    }

    fn section_kinds(&mut self, v: &Spanned<DeValue>) -> Vec<SectionKind> {
        let DeValue::Array(items) = v.get_ref() else {
            let line = self.line(v);
            self.error(line, "`sections` must be a list of section kinds".into());
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let line = self.line(item);
            match item.get_ref() {
                DeValue::String(s) => match SectionKind::parse(s) {
                    Some(k) => out.push(k),
                    None => {
                        let known: Vec<_> = SectionKind::ALL.iter().map(|k| k.as_str()).collect();
                        self.error(
                            line,
                            format!("unknown section kind `{s}`; kinds are {}", known.join(", ")),
                        );
                    }
                },
                _ => self.error(
                    line,
                    "`sections` holds something that is not a string".into(),
                ),
            }
        }
        out
    }

    fn examples(&mut self, v: &Spanned<DeValue>) -> Vec<Example> {
        let DeValue::Array(items) = v.get_ref() else {
            let line = self.line(v);
            self.error(
                line,
                "`examples` must be a list of { text = \"…\", match = true|false }".into(),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let line = self.line(item);
            let DeValue::Table(t) = item.get_ref() else {
                self.error(
                    line,
                    "each example must be a table { text = \"…\", match = true|false }".into(),
                );
                continue;
            };
            let mut text = None;
            let mut should_match = None;
            let mut section = None;
            for (k, val) in t.iter() {
                let k_line = self.lines.line_of(k.span().start);
                match k.get_ref().as_ref() {
                    "text" => text = self.string(val),
                    "match" => should_match = self.boolean(val),
                    "section" => {
                        if let Some(s) = self.string(val) {
                            match SectionKind::parse(&s) {
                                Some(kind) => section = Some(kind),
                                None => self.error(
                                    k_line,
                                    format!("unknown section kind `{s}` in example"),
                                ),
                            }
                        }
                    }
                    other => {
                        let hint = nearest(other, EXAMPLE_KEYS)
                            .map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                        self.error(k_line, format!("unknown example key `{other}`{hint}"));
                    }
                }
            }
            match (text, should_match) {
                (Some(text), Some(should_match)) => out.push(Example {
                    text,
                    should_match,
                    section,
                    line,
                }),
                (None, _) => self.error(line, "example has no `text`".into()),
                (_, None) => self.error(line, "example has no `match = true|false`".into()),
            }
        }
        out
    }
}

/// `victim-blaming-usage`: lowercase words of letters and digits joined by
/// single hyphens.
pub fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(src: &str) -> (Vec<RawRule>, Vec<RuleError>) {
        let mut errors = Vec::new();
        let rules = parse("test.toml", src, &mut errors);
        (rules, errors)
    }

    #[test]
    fn reads_a_rule_with_lines() {
        let src = "[[rule]]\nid = \"neglect\"\ncategory = \"harm\"\nany = [\n  '\\bneglect\\w*',\n  'malnourish',\n]\nexamples = [\n  { text = \"signs of neglect\", match = true },\n  { text = \"neglected to record\", match = false, section = \"analysis\" },\n]\n";
        let (rules, errors) = parse_str(src);
        assert!(errors.is_empty(), "{errors:?}");
        let r = &rules[0];
        assert_eq!((r.id.as_str(), r.line), ("neglect", 2));
        assert_eq!(r.any.iter().map(|p| p.line).collect::<Vec<_>>(), [5, 6]);
        assert_eq!(r.examples[1].section, Some(SectionKind::Analysis));
        assert_eq!(r.examples[1].line, 10);
        assert_eq!(r.scope, Scope::Sentence);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let src = "[[rule]]\nid = \"Bad Id\"\nanyy = ['x']\nscope = \"page\"\nsections = [\"recs\"]\nseverity = \"fatal\"\n\n[[rule]]\nid = \"empty\"\nany = []\n";
        let (_, errors) = parse_str(src);
        let got: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert!(
            got.iter()
                .any(|(l, m)| *l == 2 && m.contains("not kebab-case")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 3 && m.contains("unknown key `anyy` (did you mean `any`?)")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 4 && m.contains("unknown scope `page`")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 5 && m.contains("unknown section kind `recs`")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 6 && m.contains("unknown severity `fatal`")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 2 && m.contains("no `any` patterns")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 10 && m.contains("`any` is empty")),
            "{got:?}"
        );
        assert!(errors.iter().all(|e| e.file == "test.toml"));
    }

    #[test]
    fn min_matches_is_a_positive_whole_number() {
        let (rules, errors) =
            parse_str("[[rule]]\nid = \"x\"\nscope = \"document\"\nmin_matches = 3\nany = ['a']\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rules[0].min_matches, 3);
        let (rules, _) = parse_str("[[rule]]\nid = \"x\"\nany = ['a']\n");
        assert_eq!(rules[0].min_matches, 1);
        for bad in ["0", "-2", "\"3\""] {
            let (_, errors) = parse_str(&format!(
                "[[rule]]\nid = \"x\"\nmin_matches = {bad}\nany = ['a']\n"
            ));
            assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
            assert_eq!(errors[0].line, 3);
            assert!(errors[0].message.contains("at least 1"), "{errors:?}");
        }
    }

    #[test]
    fn syntax_errors_have_lines() {
        let (_, errors) = parse_str("[[rule]]\nid = \"x\"\nany = ['a'\n");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.starts_with("not valid TOML"),
            "{errors:?}"
        );
        assert!(errors[0].line >= 3);
    }

    #[test]
    fn kebab_case() {
        assert!(is_kebab_case("nrm-referral-missed"));
        assert!(is_kebab_case("covid-19-impact"));
        assert!(!is_kebab_case("NRM"));
        assert!(!is_kebab_case("a--b"));
        assert!(!is_kebab_case("-a"));
    }
}
