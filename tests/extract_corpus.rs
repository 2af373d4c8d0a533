//! Recommendations, learning points and good practice on the sample corpus
//! against the hand-counted ground truth of structure.md (§0, §4, §5, §6):
//! exact ids, lines and counts, the key messages that restate a
//! recommendation, the deduplicated table of recommendations, sub-items,
//! summary previews, and the addressee of every recommendation (§6 lists
//! them; at least 90% must match, and every one is checked).

use revlens::document::{Document, Parsed};
use revlens::extract::{self, Extraction, Form, LearningKind};
use revlens::layout::Flavour;

use crate::util::root;

const ADAM: &str = "000_9a06eec279647b8d.txt";
const RIP: &str = "001_4a603e92047f1424.txt";
const SAM: &str = "002_5d3176033adc132a.txt";
const JOE: &str = "004_e88311f8b7e3dce9.txt";

fn parse(file: &str) -> Parsed {
    let bytes = std::fs::read(root().join("corpus").join(file)).unwrap();
    Document::from_bytes(file, &bytes, Flavour::PlainText)
        .unwrap()
        .parse()
}

fn extraction(file: &str) -> (Parsed, Extraction) {
    let parsed = parse(file);
    let x = extract::extract(&parsed);
    (parsed, x)
}

/// (id, line, expected addressee per structure.md §6).
type Rec = (&'static str, usize, Option<&'static str>);

struct Truth {
    file: &'static str,
    recommendations: &'static [Rec],
    /// Sub-item statements: (id, line, addressee).
    leaves: &'static [Rec],
    /// Lines of the repeated table entries, in order.
    repeats: &'static [usize],
    /// (id, line, restates).
    learning: &'static [(&'static str, usize, Option<&'static str>)],
    key_messages: usize,
    summary_learning: &'static [usize],
}

const P: Option<&str> = Some("partnership");

const TRUTH: &[Truth] = &[
    Truth {
        file: ADAM,
        recommendations: &[
            ("1", 120, P),
            ("2", 128, P),
            ("3", 134, Some("practitioners")),
            ("4", 144, P),
            ("5", 150, P),
            ("6", 154, P),
            ("7", 166, P),
            ("8", 172, P),
            ("9", 178, P),
            ("10", 188, P),
            // "Strategic partners (LSCP and Community Safety Partnership)"
            ("11", 196, Some("statutory-partners")),
        ],
        leaves: &[],
        repeats: &[],
        learning: &[
            ("1", 88, None),
            ("2", 89, None),
            ("3", 90, None),
            ("4", 91, None),
            ("5", 95, None),
            ("6", 96, None),
            ("7", 98, None),
            ("8", 102, Some("4")),
            ("9", 103, Some("6")),
            ("10", 104, Some("7")),
            ("11", 105, Some("10")),
            ("12", 106, Some("11")),
        ],
        key_messages: 5,
        summary_learning: &[],
    },
    Truth {
        file: RIP,
        recommendations: &[],
        leaves: &[],
        repeats: &[],
        learning: &[
            ("1", 276, None),
            ("2", 277, None),
            ("3", 278, None),
            ("4", 438, None),
            ("5", 439, None),
            ("6", 440, None),
            ("7", 441, None),
            ("8", 442, None),
        ],
        key_messages: 0,
        summary_learning: &[],
    },
    Truth {
        file: SAM,
        recommendations: &[
            ("1", 377, P),
            ("1a", 381, Some("statutory-partners")),
            ("2", 385, P),
            ("3", 403, P),
            ("4", 427, Some("police")),
            ("5", 505, P),
            ("5a", 509, P),
            ("6", 519, P),
            ("7", 547, P),
            ("8", 551, P),
            ("9", 577, Some("health")),
        ],
        leaves: &[],
        repeats: &[621, 625, 629, 633, 637, 641, 647, 651, 655, 659, 663],
        learning: &[
            ("1", 369, None),
            ("2", 373, None),
            ("3", 399, None),
            ("4", 423, None),
            ("5", 501, None),
            ("6", 515, None),
            ("7", 539, None),
            ("8", 573, None),
        ],
        key_messages: 0,
        summary_learning: &[],
    },
    Truth {
        file: JOE,
        recommendations: &[
            ("P1", 451, P),
            ("P2", 452, Some("statutory-partners")),
            ("P3", 453, P),
            ("P4", 454, P),
            ("S1", 458, P),
            ("S2", 459, P),
            ("S3", 460, P),
            ("S4", 463, P),
            ("S5", 466, P),
        ],
        leaves: &[
            ("S3a", 461, P),
            ("S3b", 462, None),
            ("S4a", 464, P),
            ("S4b", 465, P),
        ],
        repeats: &[],
        learning: &[
            ("1", 297, None),
            ("2", 298, None),
            ("3", 299, None),
            ("4", 300, None),
            ("5", 301, None),
            ("6", 302, None),
            ("7", 303, None),
            ("8", 353, None),
            ("9", 354, None),
            ("10", 355, None),
            ("11", 425, None),
            ("12", 426, None),
            ("13", 427, None),
            ("14", 428, None),
            ("15", 429, None),
        ],
        key_messages: 0,
        summary_learning: &[58, 59, 60, 61, 62, 72, 73, 74, 75],
    },
];

#[test]
fn recommendation_ids_lines_and_repeats() {
    for t in TRUTH {
        let (_, x) = extraction(t.file);
        let got: Vec<(&str, usize)> = x
            .recommendations
            .iter()
            .map(|r| (r.item.id.as_str(), r.item.line))
            .collect();
        let want: Vec<(&str, usize)> = t.recommendations.iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(got, want, "{}", t.file);
        let repeats: Vec<usize> = x
            .recommendations
            .iter()
            .flat_map(|r| r.item.repeats.iter().map(|p| p.line))
            .collect();
        assert_eq!(repeats, t.repeats, "{}", t.file);
        // Statements: items without sub-items count one, sub-items one each.
        let leaves: Vec<(&str, usize)> = x
            .recommendations
            .iter()
            .flat_map(|r| r.item.leaves.iter().map(|l| (l.id.as_str(), l.line)))
            .collect();
        let want_leaves: Vec<(&str, usize)> = t.leaves.iter().map(|l| (l.0, l.1)).collect();
        assert_eq!(leaves, want_leaves, "{}", t.file);
    }
}

#[test]
fn counts_match_structure_md_summary_table() {
    let counts: Vec<(usize, usize, usize, usize, usize)> = [ADAM, RIP, SAM, JOE]
        .iter()
        .map(|f| {
            let (_, x) = extraction(f);
            let occurrences: usize = x
                .recommendations
                .iter()
                .map(|r| 1 + r.item.repeats.len())
                .sum();
            (
                x.recommendations.len(),
                x.recommendation_leaf_count(),
                occurrences,
                x.learning_points.len(),
                x.distinct_learning_count(),
            )
        })
        .collect();
    // (distinct, statements, occurrences, learning points, not restating)
    assert_eq!(
        counts,
        [
            (11, 11, 11, 12, 7),
            (0, 0, 0, 8, 8),
            (11, 11, 22, 8, 8),
            (9, 11, 9, 15, 15),
        ]
    );
}

#[test]
fn learning_points_and_restating_key_messages() {
    for t in TRUTH {
        let (_, x) = extraction(t.file);
        let got: Vec<(&str, usize, Option<&str>)> = x
            .learning_points
            .iter()
            .map(|l| (l.item.id.as_str(), l.item.line, l.restates.as_deref()))
            .collect();
        assert_eq!(got, t.learning, "{}", t.file);
        let key_messages = x
            .learning_points
            .iter()
            .filter(|l| l.kind == LearningKind::KeyMessage)
            .count();
        assert_eq!(key_messages, t.key_messages, "{}", t.file);
        let previews: Vec<usize> = x.summary_learning.iter().map(|l| l.item.line).collect();
        assert_eq!(previews, t.summary_learning, "{}", t.file);
    }
}

#[test]
fn addressees_as_listed_in_structure_md() {
    let mut checked = 0usize;
    let mut matching = 0usize;
    let mut wrong = Vec::new();
    for t in TRUTH {
        let (_, x) = extraction(t.file);
        let got = x
            .recommendations
            .iter()
            .map(|r| {
                (
                    r.item.id.clone(),
                    r.addressee.as_ref().map(|a| a.agency.as_str()),
                )
            })
            .chain(x.recommendations.iter().flat_map(|r| {
                r.item.leaves.iter().map(|l| {
                    (
                        l.id.clone(),
                        l.addressee.as_ref().map(|a| a.agency.as_str()),
                    )
                })
            }));
        let want = t.recommendations.iter().chain(t.leaves);
        for ((id, addressee), (want_id, _, want_addressee)) in got.zip(want) {
            assert_eq!(id, *want_id, "{}", t.file);
            checked += 1;
            if addressee == *want_addressee {
                matching += 1;
            } else {
                wrong.push(format!("{} {id}: {addressee:?}", t.file));
            }
        }
    }
    assert_eq!(checked, 31 + 4);
    assert!(
        matching * 10 >= checked * 9,
        "{matching}/{checked} addressees match; wrong: {wrong:?}"
    );
    assert!(wrong.is_empty(), "wrong addressees: {wrong:?}");
}

#[test]
fn addressee_phrases_and_secondary_agencies() {
    let (_, sam) = extraction(SAM);
    let r1 = &sam.recommendations[0];
    assert_eq!(
        r1.addressee.as_ref().unwrap().phrase,
        "The local safeguarding children partnership"
    );
    let partners = |r: &extract::Recommendation| -> Vec<(Option<&str>, &str)> {
        r.partners
            .iter()
            .map(|p| (p.agency.map(|a| a.as_str()), p.relation.as_str()))
            .collect()
    };
    assert_eq!(partners(r1), [(Some("police"), "assurance-from")]);
    assert!(r1.assurance);
    // R2 works with the police, R7 liaises with the community safety
    // partnership, R8 works with safeguarding partners and PRU staff.
    assert_eq!(
        partners(&sam.recommendations[2]),
        [(Some("police"), "working-with")]
    );
    assert_eq!(
        partners(&sam.recommendations[8]),
        [(Some("community-safety"), "liaise-with")]
    );
    assert_eq!(
        partners(&sam.recommendations[9]),
        [
            (Some("statutory-partners"), "working-with"),
            (Some("education"), "working-with")
        ]
    );
    assert_eq!(
        sam.recommendations[10].addressee.as_ref().unwrap().phrase,
        "Local NHS Foundation Trust"
    );

    let (_, adam) = extraction(ADAM);
    assert_eq!(
        partners(&adam.recommendations[1]),
        [(Some("statutory-partners"), "assurance-from")]
    );
    assert_eq!(
        partners(&adam.recommendations[7]),
        [(Some("partnership"), "via")]
    );
    let r11 = &adam.recommendations[10];
    assert_eq!(
        r11.addressee.as_ref().unwrap().phrase,
        "Strategic partners (LSCP and Community Safety Partnership)"
    );
    assert_eq!(
        partners(r11),
        [
            (Some("partnership"), "member"),
            (Some("community-safety"), "member")
        ]
    );

    let (_, joe) = extraction(JOE);
    assert_eq!(
        partners(&joe.recommendations[4]),
        [(Some("police"), "assurance-from")]
    );
    // S3's own text is a label: its addressee comes from its first sub-item.
    assert_eq!(
        joe.recommendations[6].addressee.as_ref().unwrap().source,
        extract::AddresseeSource::SubItem
    );
}

#[test]
fn texts_are_whole_and_clean() {
    let (_, adam) = extraction(ADAM);
    // R10: a lead-in ending in ";" and the national recommendation it adopts.
    let r10 = &adam.recommendations[9].item;
    assert!(r10.text.starts_with("LSCP adopt the following recommendation; The Child Safeguarding Practice Review Panel recommend"));
    assert_eq!(r10.end_line, 192);
    // The paragraph after it is narrative again.
    assert!(!r10.text.contains("extra-familiar"));

    let (_, sam) = extraction(SAM);
    // Learning point 7 is its first paragraph only.
    let lp7 = &sam.learning_points[6].item;
    assert!(lp7.text.ends_with("with many potential benefits."));
    assert!(!lp7.text.contains("PRU"));
    // The whitespace-only line between "Recommendation 4" and its text.
    assert!(
        sam.recommendations[4]
            .item
            .text
            .starts_with("Local police should review")
    );

    let (_, joe) = extraction(JOE);
    // Superscript footnote marker dropped: "Riley⁸ and" → "Riley and".
    assert!(
        joe.recommendations[0]
            .item
            .text
            .contains("learning from Riley and the Thematic Review")
    );
    let s3 = &joe.recommendations[6].item;
    assert_eq!(
        s3.text,
        "Multi-Agency Criminal Exploitation Team (MACE): HSSCP to seek assurance that MACE's decision-making is evidence-based, and is informed by the history; Strategy Meetings that highlight the risks of CCE should involve the MACE team, and require a direct referral and consideration of an NRM referral"
    );
    assert_eq!(joe.recommendations[0].item.form, Form::ListItem);
    assert_eq!(joe.learning_points[0].item.form, Form::TableRow);
}

#[test]
fn nothing_is_harvested_from_narrative() {
    for f in [ADAM, RIP, SAM, JOE] {
        let (parsed, x) = extraction(f);
        for r in &x.recommendations {
            assert!(
                matches!(r.item.form, Form::Label | Form::ListItem),
                "{f}: {} is a {:?}",
                r.item.id,
                r.item.form
            );
        }
        // Every recommendation outside a label sits under a recommendations
        // heading.
        for r in x
            .recommendations
            .iter()
            .filter(|r| r.item.form != Form::Label)
        {
            let kind = parsed.outline.sections[r.item.section].kind;
            assert_eq!(kind.as_str(), "recommendations", "{f}: {}", r.item.id);
        }
    }
    // RiP mentions SCR recommendations and a NICE guideline in prose only.
    let (_, rip) = extraction(RIP);
    assert!(rip.recommendations.is_empty());
    // Reflective questions and key-message boxes are not learning points.
    assert!(rip.learning_points.iter().all(|l| l.item.line < 446));
}

#[test]
fn good_practice_and_record_paragraphs() {
    // Adam's "Strengths in Practice" is three paragraphs of prose.
    let (parsed, adam) = extraction(ADAM);
    let lines: Vec<usize> = adam.good_practice.iter().map(|g| g.line).collect();
    assert_eq!(lines, [78, 80, 82]);
    assert!(adam.good_practice.iter().all(|g| g.form == Form::Paragraph));
    // The paragraphs of a label record: the label and its text.
    let r1 = &adam.recommendations[0].item;
    let record_lines: Vec<usize> = r1
        .paragraphs
        .iter()
        .map(|&p| parsed.layout.paragraphs[p].first_line)
        .collect();
    assert_eq!(record_lines, [120, 122]);
    let kinds = adam.paragraph_kinds();
    let kind_at = |line: usize| {
        let p = parsed
            .layout
            .paragraphs
            .iter()
            .position(|p| p.first_line == line)
            .unwrap();
        kinds.get(&p).copied()
    };
    assert_eq!(kind_at(122), Some(extract::RecordKind::Recommendation));
    assert_eq!(kind_at(102), Some(extract::RecordKind::KeyMessage));
    assert_eq!(kind_at(88), Some(extract::RecordKind::LearningPoint));
    assert_eq!(kind_at(78), Some(extract::RecordKind::GoodPractice));
    assert_eq!(kind_at(124), None);

    // Repeats count as recommendation context too.
    let (parsed, sam) = extraction(SAM);
    let kinds = sam.paragraph_kinds();
    let table_entry = parsed
        .layout
        .paragraphs
        .iter()
        .position(|p| p.first_line == 623)
        .unwrap();
    assert_eq!(
        kinds.get(&table_entry),
        Some(&extract::RecordKind::Recommendation)
    );
}

/// `themes` finds record paragraphs without finishing the records; it must
/// find the same ones as full extraction, on every sample review and every
/// extraction fixture (each a different way of writing records).
#[test]
fn record_paragraphs_without_full_extraction_agree() {
    let mut files: Vec<std::path::PathBuf> = [ADAM, RIP, SAM, JOE]
        .iter()
        .map(|f| root().join("corpus").join(f))
        .collect();
    let fixtures = root().join("tests/fixtures/extract");
    files.extend(
        std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let flavour = if path.extension().is_some_and(|e| e == "md") {
            Flavour::Markdown
        } else {
            Flavour::PlainText
        };
        let name = path.display().to_string();
        let parsed = Document::from_bytes(&name, &bytes, flavour)
            .unwrap()
            .parse();
        let full = extract::extract(&parsed).record_sections();
        assert!(!full.is_empty(), "{name} has records");
        assert_eq!(extract::record_sections(&parsed), full, "{name}");
    }
}
