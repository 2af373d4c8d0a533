//! The built-in theme rules against the hand-judged expectations for the
//! sample corpus (shared/reference/domain.md): a table-driven present/absent
//! check of every (document, theme) cell, and the exact counts the domain notes
//! give for the NRM family and victim-blaming in the Joe and Sam reviews.
//! Counts are `hits` (sentences) from `revlens analyse --format json`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::util::{assert_code, revlens, root, stdout};

const ADAM: usize = 0;
const RIP: usize = 1;
const SAM: usize = 2;
const JOE: usize = 3;
const DOCS: [&str; 4] = [
    "corpus/000_9a06eec279647b8d.txt",
    "corpus/001_4a603e92047f1424.txt",
    "corpus/002_5d3176033adc132a.txt",
    "corpus/004_e88311f8b7e3dce9.txt",
];

/// One theme's evidence in one document: sentence text and rule per hit.
#[derive(Debug, Default, Clone)]
struct Found {
    hits: u64,
    sentences: Vec<(String, String)>,
}

impl Found {
    fn rules_for(&self, needle: &str) -> Vec<&str> {
        self.sentences
            .iter()
            .filter(|(text, _)| text.contains(needle))
            .map(|(_, rule)| rule.as_str())
            .collect()
    }
    fn has(&self, needle: &str) -> bool {
        !self.rules_for(needle).is_empty()
    }
}

/// theme -> per document.
fn analysis() -> &'static BTreeMap<String, [Found; 4]> {
    static CELL: OnceLock<BTreeMap<String, [Found; 4]>> = OnceLock::new();
    CELL.get_or_init(|| {
        let o = revlens(&["analyse", "corpus", "--format", "json"]);
        assert_code(&o, 0);
        let v: Value = serde_json::from_str(&stdout(&o)).expect("analysis JSON");
        let mut out: BTreeMap<String, [Found; 4]> = BTreeMap::new();
        for d in v["documents"].as_array().expect("documents") {
            let path = d["path"].as_str().expect("path");
            let i = DOCS
                .iter()
                .position(|p| *p == path)
                .unwrap_or_else(|| panic!("unexpected document {path}"));
            for t in d["themes"].as_array().expect("themes") {
                let id = t["id"].as_str().expect("theme id").to_owned();
                let found = &mut out.entry(id).or_default()[i];
                found.hits = t["hits"].as_u64().expect("hits");
                found.sentences = t["evidence"]
                    .as_array()
                    .expect("evidence")
                    .iter()
                    .map(|e| {
                        (
                            e["text"].as_str().expect("text").to_owned(),
                            e["rule"].as_str().expect("rule").to_owned(),
                        )
                    })
                    .collect();
            }
        }
        out
    })
}

fn found(theme: &str, doc: usize) -> Found {
    analysis()
        .get(theme)
        .map(|f| f[doc].clone())
        .unwrap_or_default()
}

/// A cell of domain.md's hand-judged table and what the engine should say.
/// `Y` (substantive) and `-` (absent) are taken as they are. Every `m`
/// (passing / definitional / footnote / reference-only) is decided here: a
/// mention in body text is present; a mention only in a reference list or a
/// footnote is absent, since rules never see those.
#[derive(Clone, Copy)]
struct Cell {
    hand: &'static str,
    present: bool,
}

const Y: Cell = Cell {
    hand: "Y",
    present: true,
};
const A: Cell = Cell {
    hand: "-",
    present: false,
};
/// `m` with a passing mention in body text: present.
const MB: Cell = Cell {
    hand: "m",
    present: true,
};
/// `m` only in a reference list or a footnote: absent to the engine.
const MR: Cell = Cell {
    hand: "m",
    present: false,
};

/// domain.md §3 "Seeds: Adam | RiP | Sam | Joe", with the decision for every
/// `m` cell and where it comes from.
const TABLE: &[(&str, [Cell; 4], &str)] = &[
    ("child-criminal-exploitation", [Y, Y, Y, Y], ""),
    // Adam: reference list only (000:204); RiP: 001:324, 332 in body; Joe: footnotes only (004:22, 004:342).
    ("county-lines", [MR, MB, Y, MR], ""),
    // Adam 000:74 "unlike CSE indicators"; Sam 002:168, 255; Joe 004:119, 332 - all body text.
    ("child-sexual-exploitation", [MB, Y, MB, MB], ""),
    ("contextual-extra-familial-harm", [Y, Y, Y, Y], ""),
    ("missing-episodes", [A, Y, A, Y], ""),
    // Adam 000:78 attendance drop; RiP 001:324 "school exclusion" - body text.
    ("school-exclusion-missing-education", [MB, MB, Y, Y], ""),
    ("information-sharing-failure", [Y, Y, Y, Y], ""),
    ("thresholds-step-up-step-down", [Y, Y, Y, Y], ""),
    // RiP 001:289 "no opportunity to challenge the outcome of such referrals".
    ("professional-challenge-escalation", [Y, MB, Y, Y], ""),
    ("disguised-compliance-non-engagement", [Y, Y, Y, Y], ""),
    // RiP 001:233 "lived experience", 001:272 "listening to children".
    ("voice-of-the-child", [Y, MB, Y, Y], ""),
    // Adam 000:186 "poverty, neglect or abuse"; Sam 002:69, 205 statutory "abuse or neglect".
    ("neglect", [MB, Y, MB, Y], ""),
    // Joe 004:119: domestic abuse among his peer group's associations (timeline).
    ("domestic-abuse", [A, Y, Y, MB], ""),
    ("parental-mental-health", [A, Y, A, Y], ""),
    ("parental-substance-misuse", [A, Y, A, Y], ""),
    // Adam 000:186 "push factors such as poverty"; Sam 002:599 "most deprived boroughs".
    ("poverty", [MB, Y, MB, Y], ""),
    ("trauma-aces", [Y, Y, Y, Y], ""),
    // RiP 001:134 "mental health problems for the child" (statistics, body text).
    ("camhs-mental-health-access", [A, MB, Y, Y], ""),
    // RiP 001:252 crossing local authority boundaries; Sam 002:295, 317 another county / other local authority.
    ("cross-boundary-working", [A, MB, MB, Y], ""),
    // Sam 002:485 "building trust", a positive relationship with Sam.
    ("trusted-relationships", [Y, Y, MB, Y], ""),
    ("reachable-moments", [A, A, A, Y], ""),
    // Sam 002:142 Covid in the review's method.
    ("covid-19-impact", [Y, A, MB, Y], ""),
    // RiP 001:428 "special educational needs".
    ("send-cognitive-needs", [A, MB, Y, Y], ""),
    // Sam 002:251 spoke of killing himself as a young child.
    ("self-harm-suicide", [A, Y, MB, Y], ""),
    ("early-help", [Y, Y, Y, Y], ""),
    ("case-closure", [Y, Y, Y, Y], ""),
    ("released-under-investigation", [A, A, Y, A], ""),
    // NRM family (domain.md §3 "NRM family" and §2 trial table).
    ("nrm-referral-missed", [A, A, A, Y], ""),
    ("nrm-referral-made", [A, A, Y, A], ""),
    ("nrm-referral-recommended", [A, A, A, Y], ""),
    // RiP is "n/a" (a briefing, not a single-case review): the flag must not fire.
    ("nrm-silent", [Y, A, A, A], "RiP n/a -> absent"),
    // Not on a Seeds line; from the §2 trial table (004:279 is a mention).
    ("nrm-mention", [A, A, A, Y], "from the §2 trial table"),
    // Sam `m` (002:160, 002:513 argue for seeing such children as victims) is
    // absent to the engine: §1.2's trial count for Sam is 0 critique sentences.
    (
        "victim-blaming-critique",
        [Y, Y, MR, Y],
        "Sam m -> 0 per §1.2 trial",
    ),
    // Adam `m`: "involved in criminal activity" in the review's own voice
    // (000:31, 64, 140); Joe `m`: 004:163 unquoted timeline.
    ("victim-blaming-usage", [MB, A, Y, MB], ""),
];

#[test]
// The rate and any disagreeing cells are printed (`cargo test -- --nocapture`)
// so the agreement can be read, not only asserted.
#[allow(clippy::print_stdout)]
fn theme_table_agrees_with_the_hand_judgements() {
    let short = ["Adam", "RiP", "Sam", "Joe"];
    let mut cells = 0;
    let mut agree = 0;
    let mut disagreements = Vec::new();
    for (theme, row, _) in TABLE {
        for (doc, cell) in row.iter().enumerate() {
            cells += 1;
            let f = found(theme, doc);
            let present = f.hits > 0;
            if present == cell.present {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{theme} / {}: hand {} (expected {}), engine {} hits{}",
                    short[doc],
                    cell.hand,
                    if cell.present { "present" } else { "absent" },
                    f.hits,
                    f.sentences
                        .first()
                        .map(|(t, r)| format!(", e.g. [{r}] {t:?}"))
                        .unwrap_or_default(),
                ));
            }
        }
    }
    // Every built-in theme is in the table, and nothing else.
    let table_themes: Vec<&str> = TABLE.iter().map(|(t, _, _)| *t).collect();
    let set = revlens::rules::RuleSet::load(&revlens::rules::RuleSources::default())
        .unwrap_or_else(|e| panic!("{e}"));
    for t in set.themes() {
        assert!(
            table_themes.contains(&t),
            "built-in theme {t} is not in the table"
        );
    }
    let rate = agree as f64 / cells as f64;
    println!(
        "theme table: {agree} of {cells} (document, theme) cells agree ({:.1}%)",
        rate * 100.0
    );
    for d in &disagreements {
        println!("  disagrees: {d}");
    }
    assert!(
        rate >= 0.9,
        "only {agree} of {cells} cells agree ({:.1}%):\n{}",
        rate * 100.0,
        disagreements.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Exact counts from domain.md
// ---------------------------------------------------------------------------

/// domain.md §1.2, `victim-blaming-critique`: "Trial on the seeds (sentences
/// after §0 pre-processing): Adam 5, RiP 4, Sam 0, Joe 16".
#[test]
fn victim_blaming_critique_counts() {
    let t = "victim-blaming-critique";
    assert_eq!(
        found(t, JOE).hits,
        16,
        "Joe: {:#?}",
        found(t, JOE).sentences
    );
    assert_eq!(found(t, SAM).hits, 0, "Sam: {:#?}", found(t, SAM).sentences);
    // Not required exactly by the issue, but the same trial gives them.
    assert_eq!(found(t, ADAM).hits, 5);
    assert_eq!(found(t, RIP).hits, 4);
    // The methodology disclaimer "not ... designed to attach any blame to
    // individuals" (002:123) is not critique (§1.2 traps).
    assert!(!found(t, SAM).has("attach any blame"));
}

/// domain.md §1.2, `victim-blaming-usage` traps: "habitual knife carrier"
/// appears unquoted in the Joe timeline (004:163, usage) and quoted and
/// criticised at 004:371, where usage must not fire; quoted labels such as
/// 'choosing' and 'un-cooperative' are critique context, not usage. In Sam,
/// the seed example 002:597 is usage and "working hard to engage" (002:601)
/// is praise.
#[test]
fn victim_blaming_usage_stance() {
    let usage_joe = found("victim-blaming-usage", JOE);
    assert!(usage_joe.has("Joe identified as habitual knife carrier"));
    assert!(!usage_joe.has("described in police records as a 'habitual'"));
    for quoted in ["'choosing'", "'un-cooperative'", "'lack of cooperation'"] {
        assert!(
            !usage_joe.has(quoted),
            "usage fired on a quoted, criticised label {quoted}"
        );
    }
    assert!(found("victim-blaming-critique", JOE).has("Language continued to be victim blaming"));
    let usage_sam = found("victim-blaming-usage", SAM);
    assert!(usage_sam.has("on occasions being unwilling to engage at all"));
    assert!(!usage_sam.has("working hard to engage"));
    // The child's own words, reported (002:391), are not usage.
    assert!(!usage_sam.has("old enough to make that decision"));
}

/// domain.md §2 "Trial of the NRM rules on the seeds": "3 missed-referral
/// sentences (all Joe), 1 referral made (Sam), 3-5 recommended (Joe)", and the
/// naive rule's two false "missed" hits (004:279 and 004:429) avoided.
#[test]
fn nrm_family_counts() {
    let missed = found("nrm-referral-missed", JOE);
    assert_eq!(missed.hits, 3, "Joe missed: {:#?}", missed.sentences);
    // The three the trial table lists: 004:235 (planned, never progressed),
    // 004:235->241 (other opportunities not considered), 004:387 (strategy meeting).
    assert!(missed.has("however this was never given a timescale"));
    assert!(
        missed.has("Other opportunities to consider a referral to the NRM were not considered")
    );
    assert!(missed.has("NRM considered or a referral into MACE"));

    // 004:279: the "not" belongs to the that-clause about the benefit -> mention.
    assert!(!missed.has("are not treated as criminals"));
    assert!(found("nrm-mention", JOE).has("are not treated as criminals"));
    // 004:429: the "not" is inside a why-clause of a learning point -> recommended.
    assert!(!missed.has("why it is not needed"));
    let recommended = found("nrm-referral-recommended", JOE);
    assert!(recommended.has("why it is not needed"));
    assert!(
        (3..=5).contains(&recommended.hits),
        "Joe recommended: {} ({:#?})",
        recommended.hits,
        recommended.sentences
    );

    let made = found("nrm-referral-made", SAM);
    assert_eq!(made.hits, 1, "Sam made: {:#?}", made.sentences);
    assert!(made.has("they subsequently returned a negative decision"));
    // "Negative decision" is not a negator: no missed referral in Sam.
    assert_eq!(found("nrm-referral-missed", SAM).hits, 0);
    // The next sentence (a Modern Slavery crime report) is not a second referral.
    assert!(!made.has("crime report under Modern Slavery"));

    // Nothing else in the family fires where the table has nothing.
    for t in [
        "nrm-referral-missed",
        "nrm-referral-made",
        "nrm-referral-recommended",
        "nrm-mention",
    ] {
        assert_eq!(found(t, ADAM).hits, 0, "{t} in Adam");
        assert_eq!(found(t, RIP).hits, 0, "{t} in RiP");
    }
    assert_eq!(found("nrm-referral-made", JOE).hits, 0);
}

/// domain.md §2: "Expected document-level result: ... Adam = nrm-silent"; not
/// for the research briefing (RiP would otherwise fire: trafficking and
/// modern slavery at 001:324, 001:332), nor for Sam and Joe, which name the NRM.
#[test]
fn nrm_silent_only_for_adam() {
    let t = "nrm-silent";
    assert_eq!(found(t, ADAM).hits, 1);
    assert_eq!(found(t, RIP).hits, 0);
    assert_eq!(found(t, SAM).hits, 0);
    assert_eq!(found(t, JOE).hits, 0);
}

/// The Sam referral's decision is kept: the decision rule fires on the same
/// sentence as the referral ("returned a negative decision"), found through
/// the library so that every hit (not only the first per sentence) is seen.
#[test]
fn sam_referral_keeps_its_negative_decision() {
    use revlens::corpus::discover;
    use revlens::document::{Document, Limits};
    use revlens::rules::{RuleSet, RuleSources};
    use revlens::themes;

    let set = RuleSet::load(&RuleSources::default()).unwrap_or_else(|e| panic!("{e}"));
    let found = discover(&[root().join(DOCS[SAM])]);
    let input = found.inputs.first().expect("Sam's review");
    let parsed = Document::read(input, Limits::default())
        .expect("read Sam")
        .parse();
    let kinds = themes::section_kinds(&parsed);
    let hits = themes::hits(&parsed, &set, &kinds);
    let decisions: Vec<String> = hits
        .iter()
        .filter(|h| set.rules[h.rule].id == "nrm-referral-made-decision")
        .map(|h| parsed.layout.paragraphs[h.paragraph].as_str()[h.span.clone()].to_owned())
        .collect();
    assert_eq!(decisions, ["returned a negative decision"]);
}
