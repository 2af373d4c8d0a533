//! Compiling rules for fast matching.
//!
//! Owns turning [`RawRule`]s into [`Rule`]s: every pattern is compiled twice,
//! once exactly as written (Unicode word boundaries) and once with `\b`
//! rewritten to the ASCII boundary `(?-u:\b)`. The regex crate's fast DFA
//! engines give up on Unicode word boundaries over non-ASCII text (these
//! documents are full of it), but on text with no non-ASCII *word* character
//! both boundaries are the same, so the fast form is exact there. The
//! [`Prefilter`] is one `RegexSet` over every rule's `any` patterns (in both
//! forms), so a paragraph is scanned once for the whole rule set.
//! Compilation problems (a bad regex, one too big, one that matches the empty
//! string) are reported with file, rule and line.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::file::{Example, RawPattern, RawRule, RuleError, Scope, Severity};
use crate::sections::SectionKind;

/// Size limit for one compiled pattern (the regex crate's default is 10 MiB;
/// a pattern beyond it is almost always a mistake such as `\w{1000}`).
const PATTERN_SIZE_LIMIT: usize = 10 * (1 << 20);
/// Size limit for the prefilter, which holds every pattern.
const SET_SIZE_LIMIT: usize = 256 * (1 << 20);

/// A pattern in its two compiled forms.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub line: usize,
    /// As written: Unicode word boundaries.
    pub exact: Regex,
    /// `\b` as ASCII boundaries: exact on text whose word characters are all ASCII.
    pub fast: Regex,
}

impl Pattern {
    pub fn pick(&self, ascii_words: bool) -> &Regex {
        if ascii_words { &self.fast } else { &self.exact }
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub theme: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub any: Vec<Pattern>,
    pub all: Vec<Pattern>,
    pub none: Vec<Pattern>,
    pub scope: Scope,
    /// Section kinds the rule may fire in; empty means all.
    pub sections: Vec<SectionKind>,
    pub case_sensitive: bool,
    pub lint: bool,
    pub severity: Severity,
    pub message: Option<String>,
    pub suggestion: Option<String>,
    pub examples: Vec<Example>,
    /// Rules of one group are mutually exclusive in a sentence; the highest
    /// priority wins.
    pub group: Option<String>,
    pub priority: i64,
    /// Fewest `any` matches in a scope unit for the rule to fire there.
    pub min_matches: usize,
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// Whether the rule may fire in a section of this kind.
    pub fn allows(&self, kind: SectionKind) -> bool {
        self.sections.is_empty() || self.sections.contains(&kind)
    }

    /// What `lint` says about a hit.
    pub fn lint_message(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.name.clone())
            .or_else(|| self.description.clone())
            .unwrap_or_else(|| format!("matches rule {}", self.id))
    }
}

/// One scan of a paragraph for every rule's `any` patterns.
#[derive(Debug, Clone)]
pub struct Prefilter {
    pub fast: RegexSet,
    pub exact: RegexSet,
    /// For set index `i`: (rule index, index into that rule's `any`).
    pub owners: Vec<(usize, usize)>,
}

impl Prefilter {
    pub fn empty() -> Prefilter {
        Prefilter {
            fast: RegexSet::empty(),
            exact: RegexSet::empty(),
            owners: Vec::new(),
        }
    }

    pub fn build(rules: &[Rule]) -> Result<Prefilter, String> {
        let mut fast = Vec::new();
        let mut exact = Vec::new();
        let mut owners = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for (a, p) in rule.any.iter().enumerate() {
                let flags = if rule.case_sensitive { "" } else { "(?i)" };
                exact.push(format!("{flags}(?:{})", p.source));
                fast.push(format!("{flags}(?:{})", ascii_boundaries(&p.source)));
                owners.push((r, a));
            }
        }
        let set = |patterns: &[String]| {
            RegexSetBuilder::new(patterns)
                .size_limit(SET_SIZE_LIMIT)
                .dfa_size_limit(SET_SIZE_LIMIT)
                .build()
        };
        Ok(Prefilter {
            fast: set(&fast).map_err(|e| e.to_string())?,
            exact: set(&exact).map_err(|e| e.to_string())?,
            owners,
        })
    }
}

/// Compiles raw rules; problems go to `errors`, and rules with problems are
/// left out.
pub fn compile(raw: Vec<RawRule>, errors: &mut Vec<RuleError>) -> Vec<Rule> {
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let before = errors.len();
        let mut patterns = |list: &[RawPattern], key: &str| -> Vec<Pattern> {
            list.iter()
                .filter_map(
                    |p| match compile_pattern(p, r.case_sensitive, key == "any") {
                        Ok(c) => Some(c),
                        Err(message) => {
                            errors.push(RuleError {
                                file: r.file.clone(),
                                rule: Some(r.id.clone()),
                                line: p.line,
                                message: format!("bad regex in `{key}`: {message}"),
                            });
                            None
                        }
                    },
                )
                .collect()
        };
        let any = patterns(&r.any, "any");
        let all = patterns(&r.all, "all");
        let none = patterns(&r.none, "none");
        if errors.len() > before {
            continue;
        }
        out.push(Rule {
            theme: r.theme.clone().unwrap_or_else(|| r.id.clone()),
            id: r.id,
            name: r.name,
            description: r.description,
            category: r.category,
            any,
            all,
            none,
            scope: r.scope,
            sections: r.sections,
            case_sensitive: r.case_sensitive,
            lint: r.lint,
            severity: r.severity,
            message: r.message,
            suggestion: r.suggestion,
            examples: r.examples,
            group: r.group,
            priority: r.priority,
            min_matches: r.min_matches,
            file: r.file,
            line: r.line,
        });
    }
    out
}

fn compile_pattern(p: &RawPattern, case_sensitive: bool, is_any: bool) -> Result<Pattern, String> {
    let build = |source: &str| {
        RegexBuilder::new(source)
            .case_insensitive(!case_sensitive)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(limit) => format!(
                    "the compiled pattern is larger than {} MiB; simplify it (bounded repeats such as {{1000}} multiply its size)",
                    limit >> 20
                ),
                other => one_line(&other.to_string()),
            })
    };
    let exact = build(&p.text)?;
    if is_any {
        // A pattern that can match nothing would fire in every sentence.
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(!case_sensitive)
            .build()
            .parse(&p.text)
            .map_err(|e| one_line(&e.to_string()))?;
        if hir.properties().minimum_len() == Some(0) {
            return Err("it can match the empty string, so it would fire everywhere; require at least one character"
                .to_owned());
        }
    }
    let fast = build(&ascii_boundaries(&p.text))?;
    Ok(Pattern {
        source: p.text.clone(),
        line: p.line,
        exact,
        fast,
    })
}

pub fn one_line(s: &str) -> String {
    // The regex crate's errors draw a caret diagram over several lines; keep
    // the last line, which says what is wrong.
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [] => s.to_owned(),
        [only] => (*only).to_owned(),
        many => format!(
            "{} (in `{}`)",
            many[many.len() - 1].trim_start_matches("error: "),
            many[1]
        ),
    }
}

/// Rewrites `\b` and `\B` outside character classes to their ASCII forms.
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if class_depth == 0 && chars.peek() != Some(&'{') => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // `[]…]` and `[^]…]`: a leading `]` is a literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(any: &[&str]) -> RawRule {
        RawRule {
            file: "t.toml".into(),
            line: 1,
            id: "t".into(),
            theme: None,
            name: None,
            description: None,
            category: None,
            any: any
                .iter()
                .map(|s| RawPattern {
                    text: s.to_string(),
                    line: 3,
                })
                .collect(),
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
        }
    }

    #[test]
    fn boundary_rewrite_leaves_classes_and_escapes_alone() {
        assert_eq!(ascii_boundaries(r"\bNRM\b"), r"(?-u:\b)NRM(?-u:\b)");
        assert_eq!(ascii_boundaries(r"a\\b[\b]c\Bd"), r"a\\b[\b]c(?-u:\B)d");
        assert_eq!(ascii_boundaries(r"[]\b]\b"), r"[]\b](?-u:\b)");
        assert_eq!(ascii_boundaries(r"\b{start}x"), r"\b{start}x");
    }

    #[test]
    fn fast_and_exact_agree_on_ascii_words() {
        let mut errors = Vec::new();
        let rules = compile(vec![raw(&[r"\bhard\s+to\s+engage\b"])], &mut errors);
        let p = &rules[0].any[0];
        for text in ["‘hard to engage’", "Hard to engage.", "hard to engagement"] {
            assert_eq!(p.exact.is_match(text), p.fast.is_match(text), "{text}");
        }
        // On non-ASCII word characters only the exact form is right.
        assert!(!p.exact.is_match("hard to engageé"));
    }

    #[test]
    fn problems_are_located() {
        let mut errors = Vec::new();
        let rules = compile(
            vec![raw(&["(unclosed", "a*", r"\w{1000}\w{1000}\w{1000}"])],
            &mut errors,
        );
        assert!(rules.is_empty());
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.line == 3 && e.rule.as_deref() == Some("t"))
        );
        assert!(
            errors[0].message.contains("unclosed"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[1].message.contains("empty string"),
            "{}",
            errors[1].message
        );
        assert!(
            errors[2].message.contains("larger than"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn prefilter_maps_back_to_rules() {
        let mut errors = Vec::new();
        let mut a = raw(&[r"\bneglect"]);
        a.id = "a".into();
        let mut b = raw(&[r"\bCSE\b", r"sexual\s+exploitation"]);
        b.id = "b".into();
        b.case_sensitive = true;
        let rules = compile(vec![a, b], &mut errors);
        let pf = Prefilter::build(&rules).unwrap();
        let hits: Vec<_> = pf
            .fast
            .matches("Neglect and CSE")
            .iter()
            .map(|i| pf.owners[i])
            .collect();
        assert_eq!(hits, [(0, 0), (1, 0)]);
        assert!(
            pf.fast.matches("cse").iter().next().is_none(),
            "case-sensitive rule"
        );
    }
}
