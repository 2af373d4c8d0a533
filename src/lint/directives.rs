//! Inline control of lint rules inside a draft.
//!
//! Owns reading `revlens-disable`, `revlens-enable` and
//! `revlens-disable-next-line` directives, each followed by rule ids
//! (separated by spaces or commas; none means every rule). They are written in
//! a comment line: `<!-- revlens-disable rule-id -->` in Markdown, a line of
//! its own starting with `#` or `//` in plain text. `disable` lasts from its
//! line until a matching `enable`.

use std::sync::LazyLock;

use regex::Regex;

use crate::layout::Flavour;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Disable,
    Enable,
    DisableNextLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    line: usize,
    op: Op,
    /// Empty: every rule.
    rules: Vec<String>,
}

/// The directives of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    list: Vec<Directive>,
}

static PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:#+|//)\s*revlens-(disable-next-line|disable|enable)\b([^\n]*)$").unwrap()
});
static MARKDOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*<!--\s*revlens-(disable-next-line|disable|enable)\b(.*?)-->\s*$").unwrap()
});

impl Directives {
    /// Reads the directives of a document's text.
    pub fn read(text: &str, flavour: Flavour) -> Directives {
        let re: &Regex = match flavour {
            Flavour::Markdown => &MARKDOWN,
            Flavour::PlainText => &PLAIN,
        };
        let mut list = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if !line.contains("revlens-") {
                continue;
            }
            if let Some(c) = re.captures(line) {
                let op = match &c[1] {
                    "disable" => Op::Disable,
                    "enable" => Op::Enable,
                    _ => Op::DisableNextLine,
                };
                let rules = c[2]
                    .split(|ch: char| ch.is_whitespace() || ch == ',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                list.push(Directive {
                    line: i + 1,
                    op,
                    rules,
                });
            }
        }
        Directives { list }
    }

    /// Whether `rule` is switched off at 1-based `line`.
    pub fn disables(&self, rule: &str, line: usize) -> bool {
        let names = |d: &Directive| d.rules.is_empty() || d.rules.iter().any(|r| r == rule);
        let mut off = false;
        for d in self.list.iter().take_while(|d| d.line < line) {
            match d.op {
                Op::Disable if names(d) => off = true,
                Op::Enable if names(d) => off = false,
                Op::DisableNextLine if names(d) && d.line + 1 == line => return true,
                _ => {}
            }
        }
        off
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_regions() {
        let text = "a\n# revlens-disable hard-to-engage, other\nb\n// revlens-enable hard-to-engage\nc\n# revlens-disable-next-line\nd\ne\n";
        let d = Directives::read(text, Flavour::PlainText);
        assert!(!d.disables("hard-to-engage", 1));
        assert!(d.disables("hard-to-engage", 3));
        assert!(
            d.disables("other", 5),
            "still off: only hard-to-engage was enabled"
        );
        assert!(!d.disables("hard-to-engage", 5));
        assert!(
            d.disables("anything", 7),
            "next-line with no ids covers every rule"
        );
        assert!(!d.disables("anything", 8));
    }

    #[test]
    fn markdown_comments_only() {
        let text = "<!-- revlens-disable x -->\nbody\n# revlens-disable y\nmore\n";
        let d = Directives::read(text, Flavour::Markdown);
        assert!(d.disables("x", 2));
        assert!(
            !d.disables("y", 4),
            "a # line is a heading in Markdown, not a directive"
        );
    }
}
