//! Keyword in context: a concordance for checking or exploring a theme.
//!
//! Owns finding every match of a researcher's pattern in a document, with
//! the words to its left and right, its file position and its section. It
//! searches the same text rules see (normalised, page breaks re-joined,
//! contents lists, reference lists and footnotes left out), so a concordance
//! line shows exactly what a rule built from the pattern would count.

use regex::Regex;
use serde::Serialize;

use crate::document::Parsed;
use crate::themes;

/// One line of a concordance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub section: String,
    pub left: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub right: String,
}

/// Every match of `pattern` in the document, with up to `context` characters
/// on each side (cut at word boundaries where possible).
pub fn concordance(parsed: &Parsed, pattern: &Regex, context: usize) -> Vec<Line> {
    let kinds = themes::section_kinds(parsed);
    let views = themes::paragraph_views(parsed, &kinds);
    let mut out = Vec::new();
    for (pi, view) in views.iter().enumerate() {
        if !view.eligible {
            continue;
        }
        let text = view.text;
        for m in pattern.find_iter(text) {
            if m.is_empty() {
                continue;
            }
            let p = &parsed.layout.paragraphs[pi];
            let pos = parsed.doc.position(p.text.source_offset(m.start()));
            out.push(Line {
                path: parsed.doc.path.clone(),
                line: pos.line,
                column: pos.column,
                section: parsed.outline.section_title(p.section).to_owned(),
                left: left_context(&text[..m.start()], context)
                    .trim_end()
                    .to_owned(),
                matched: m.as_str().to_owned(),
                right: right_context(&text[m.end()..], context)
                    .trim_start()
                    .to_owned(),
            });
        }
    }
    out
}

/// The last `n` characters of `s`, starting at a word if that loses little.
fn left_context(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_owned();
    }
    let mut start = chars.len() - n;
    // Cut mid-word: start after the next space if one is near.
    if !chars[start - 1].is_whitespace() {
        if let Some(k) = chars[start..]
            .iter()
            .take(12)
            .position(|c| c.is_whitespace())
        {
            start += k + 1;
        }
    }
    chars[start..].iter().collect()
}

/// The first `n` characters of `s`, ending at a word if that loses little.
fn right_context(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_owned();
    }
    let mut end = n;
    // Cut mid-word: end before the last space if one is near.
    if !chars[end].is_whitespace() {
        if let Some(k) = chars[..end]
            .iter()
            .rev()
            .take(12)
            .position(|c| c.is_whitespace())
        {
            end -= k + 1;
        }
    }
    chars[..end].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::layout::Flavour;

    #[test]
    fn matches_with_context_and_positions() {
        let text = "Introduction\n\nNo referral to the National Referral Mechanism (NRM¹) was made for Joe.\n\n¹ The NRM is a framework.\n";
        let parsed = Document::from_bytes("t.txt", text.as_bytes(), Flavour::PlainText)
            .unwrap()
            .parse();
        let re = Regex::new(r"(?i)\bNRM\b").unwrap();
        let lines = concordance(&parsed, &re, 20);
        assert_eq!(lines.len(), 1, "the footnote is not searched: {lines:?}");
        let l = &lines[0];
        assert_eq!((l.line, l.column), (3, 49));
        assert_eq!(l.section, "Introduction");
        assert_eq!(l.left, "Referral Mechanism (");
        assert_eq!(l.right, ") was made for Joe.");
    }

    #[test]
    fn contexts_cut_at_words() {
        assert_eq!(left_context("the quick brown fox", 8), "fox");
        assert_eq!(right_context("jumps over the lazy dog", 12), "jumps over");
        assert_eq!(left_context("short", 40), "short");
    }
}
