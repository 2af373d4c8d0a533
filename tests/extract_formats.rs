//! Every way reviews write recommendations, learning points and good
//! practice (structure.md §4 and §5), one synthetic fixture each in
//! `tests/fixtures/extract/`, checked in one table: ids, lines, addressees
//! and where they came from, learning kinds and restatements, summary
//! previews and good practice. The fixtures are written for these tests
//! (realistic, not taken from the sample corpus), and include the formats the
//! corpus lacks: numbered lists with a lead-in (R3), "Child X: Learning
//! Points." blocks (L5), good-practice lists (G1), one-line labels, numbered
//! paragraphs, tables with a lead agency column, groups whose numbering
//! restarts under agency headings, Markdown, and quoted recommendations of
//! earlier reviews that must not be harvested (R6).

use revlens::document::Document;
use revlens::extract::{self, Extraction, Form};
use revlens::layout::Flavour;

use crate::util::root;

fn extract_fixture(file: &str) -> Extraction {
    let bytes = std::fs::read(root().join("tests/fixtures/extract").join(file)).unwrap();
    let flavour = if file.ends_with(".md") {
        Flavour::Markdown
    } else {
        Flavour::PlainText
    };
    let parsed = Document::from_bytes(file, &bytes, flavour).unwrap().parse();
    extract::extract(&parsed)
}

/// (id, line, addressee, where the addressee was read).
type Rec = (
    &'static str,
    usize,
    Option<&'static str>,
    Option<&'static str>,
);
/// (id, line, kind, restates).
type Learn = (&'static str, usize, &'static str, Option<&'static str>);

struct Case {
    /// The structure.md pattern(s) the fixture shows.
    formats: &'static str,
    file: &'static str,
    recommendations: &'static [Rec],
    learning: &'static [Learn],
    summary_learning: &'static [usize],
    /// (id, line, form).
    good_practice: &'static [(&'static str, usize, Form)],
}

const LP: &str = "learning-point";
const KM: &str = "key-message";

const CASES: &[Case] = &[
    Case {
        formats: "R1 label + next paragraph, lettered ids; R2 repeated table",
        file: "labels_and_repeated_table.txt",
        recommendations: &[
            ("1", 13, Some("partnership"), Some("text")),
            ("1a", 19, Some("health"), Some("text")),
            ("2", 25, Some("education"), Some("text")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "R3 numbered list with a lead-in naming the addressee",
        file: "lead_in_list.txt",
        recommendations: &[
            ("1", 19, Some("partnership"), Some("lead-in")),
            ("2", 21, Some("partnership"), Some("lead-in")),
            ("3", 23, Some("partnership"), Some("lead-in")),
            ("4", 27, Some("partnership"), Some("lead-in")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "R4 bulleted items with their own numbers, restarting per group, sub-bullets",
        file: "numbered_bullet_groups.txt",
        recommendations: &[
            ("P1", 17, Some("partnership"), Some("text")),
            ("P2", 18, Some("partnership"), Some("text")),
            ("S1", 22, Some("partnership"), Some("sub-item")),
            ("S2", 25, Some("partnership"), Some("text")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "numbered lists restarting under agency headings; instructions take the heading's addressee",
        file: "grouped_recommendations.txt",
        recommendations: &[
            ("C1", 15, Some("local-authority"), Some("heading")),
            ("C2", 17, Some("local-authority"), Some("heading")),
            ("P1", 21, Some("police"), Some("heading")),
            ("P2", 23, Some("police"), Some("text")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "numbered paragraphs under a recommendations heading",
        file: "numbered_paragraphs.txt",
        recommendations: &[
            ("2.1", 9, Some("partnership"), Some("text")),
            ("2.2", 11, Some("local-authority"), Some("text")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "a recommendations table with a number column and a lead agency column",
        file: "recommendations_table.txt",
        recommendations: &[
            ("1", 10, Some("partnership"), Some("table")),
            ("2", 11, Some("local-authority"), Some("table")),
            ("3", 12, Some("health"), Some("table")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "one-line labels (`Recommendation 1: text`); key messages restating a recommendation; R6 earlier reviews' recommendations",
        file: "labels_and_messages.txt",
        recommendations: &[
            ("1", 13, Some("partnership"), Some("text")),
            ("2", 19, Some("education"), Some("text")),
        ],
        learning: &[
            ("1", 15, LP, None),
            ("2", 23, KM, Some("1")),
            ("3", 24, KM, None),
        ],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "L6 key messages restating a recommendation; learning for practitioners that does not",
        file: "key_messages.txt",
        recommendations: &[
            ("1", 25, Some("partnership"), Some("text")),
            ("2", 31, Some("police"), Some("text")),
        ],
        learning: &[
            ("1", 13, LP, None),
            ("2", 14, LP, None),
            ("3", 18, KM, Some("1")),
            ("4", 19, KM, None),
        ],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "L1 labels; L2 bullets for practitioners and managers; L3 `- >` bullets; L7 summary previews",
        file: "learning_formats.txt",
        recommendations: &[],
        learning: &[
            ("1", 18, LP, None),
            ("2", 24, LP, None),
            ("3", 30, LP, None),
            ("4", 31, LP, None),
            ("5", 33, LP, None),
            ("6", 37, LP, None),
            ("7", 41, LP, None),
            ("8", 42, LP, None),
        ],
        summary_learning: &[11, 12],
        good_practice: &[],
    },
    Case {
        formats: "L4 tab rows under `What needs to happen - learning points`, numbering continuous across blocks",
        file: "learning_rows.txt",
        recommendations: &[],
        learning: &[
            ("1", 14, LP, None),
            ("2", 15, LP, None),
            ("3", 22, LP, None),
            ("4", 23, LP, None),
        ],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "L5 `Child X: Learning Points.` blocks continuing across episodes; G1 good practice lists; bulleted strengths",
        file: "child_learning_points.txt",
        recommendations: &[
            ("1", 46, Some("partnership"), Some("text")),
            ("2", 48, Some("local-authority"), Some("text")),
        ],
        learning: &[
            ("1", 17, LP, None),
            ("2", 19, LP, None),
            ("3", 27, LP, None),
            ("4", 31, LP, None),
        ],
        summary_learning: &[],
        good_practice: &[
            ("1", 35, Form::ListItem),
            ("2", 37, Form::ListItem),
            ("3", 41, Form::ListItem),
            ("4", 42, Form::ListItem),
        ],
    },
    Case {
        formats: "an executive-summary copy of the recommendations; a list announced by a lead-in in an analysis chapter; a quoted national list; `8.1 Recommendation 3: text`; `R4: text`",
        file: "announced_lists.txt",
        recommendations: &[
            ("1", 19, Some("partnership"), Some("text")),
            ("2", 21, Some("education"), Some("text")),
            ("3", 31, Some("local-authority"), Some("text")),
            ("4", 33, Some("police"), Some("text")),
        ],
        learning: &[],
        summary_learning: &[],
        good_practice: &[],
    },
    Case {
        formats: "Markdown: a mixed learning-and-recommendations part decided by lead-ins, lettered sub-items, a `### Recommendation 3: title` heading, an executive-summary preview",
        file: "learning_and_recommendations.md",
        recommendations: &[
            ("1", 23, Some("local-authority"), Some("text")),
            ("2", 26, Some("health"), Some("text")),
            ("3", 28, Some("all-agencies"), Some("text")),
        ],
        learning: &[("1", 18, LP, None), ("2", 19, LP, None)],
        summary_learning: &[7, 8],
        good_practice: &[],
    },
];

#[test]
fn every_format() {
    for case in CASES {
        let x = extract_fixture(case.file);
        let what = format!("{} ({})", case.file, case.formats);
        let recs: Vec<Rec> = x
            .recommendations
            .iter()
            .map(|r| {
                (
                    leak(&r.item.id),
                    r.item.line,
                    r.addressee.as_ref().map(|a| a.agency.as_str()),
                    r.addressee.as_ref().map(|a| a.source.as_str()),
                )
            })
            .collect();
        assert_eq!(recs, case.recommendations, "{what}");
        let learning: Vec<Learn> = x
            .learning_points
            .iter()
            .map(|l| {
                (
                    leak(&l.item.id),
                    l.item.line,
                    l.kind.as_str(),
                    l.restates.as_deref().map(leak),
                )
            })
            .collect();
        assert_eq!(learning, case.learning, "{what}");
        let previews: Vec<usize> = x.summary_learning.iter().map(|l| l.item.line).collect();
        assert_eq!(previews, case.summary_learning, "{what}");
        let good: Vec<(&str, usize, Form)> = x
            .good_practice
            .iter()
            .map(|g| (leak(&g.id), g.line, g.form))
            .collect();
        assert_eq!(good, case.good_practice, "{what}");
    }
}

/// Ids are owned strings; the table holds `&'static str`.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn texts(x: &Extraction) -> Vec<&str> {
    x.recommendations
        .iter()
        .map(|r| r.item.text.as_str())
        .collect()
}

#[test]
fn repeated_table_keeps_the_first_occurrence() {
    let x = extract_fixture("labels_and_repeated_table.txt");
    let repeats: Vec<Vec<usize>> = x
        .recommendations
        .iter()
        .map(|r| r.item.repeats.iter().map(|p| p.line).collect())
        .collect();
    assert_eq!(repeats, [vec![37], vec![41], vec![45]]);
    // Recommendation 2 is cut by a page break in the body, whole in the
    // table: re-joined, the two are the same.
    assert_eq!(
        texts(&x)[2],
        "Schools in the partnership area should report every unexplained absence of more than three days to the education welfare service, and record the date on which they did so."
    );
    assert_eq!(x.recommendations[2].item.end_line, 29);
    // The narrative paragraph after a label is not part of it.
    assert!(!texts(&x)[0].contains("caseloads"));
}

#[test]
fn lead_in_list_ends_at_the_closing_sentence() {
    let x = extract_fixture("lead_in_list.txt");
    let t = texts(&x);
    assert_eq!(t.len(), 4);
    assert!(t[2].ends_with("record the answer in the child's health record, including when the young person declines to say."));
    assert!(t.iter().all(|t| !t.contains("monitored")));
    // Assurance-style, from the lead-in.
    assert!(x.recommendations.iter().all(|r| r.assurance));
    assert_eq!(
        x.recommendations[0].addressee.as_ref().unwrap().phrase,
        "The Board"
    );
}

#[test]
fn sub_items_are_leaves_with_their_own_addressees() {
    let x = extract_fixture("numbered_bullet_groups.txt");
    let s1 = &x.recommendations[2];
    let leaves: Vec<(&str, usize, Option<&str>)> = s1
        .item
        .leaves
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.line,
                l.addressee.as_ref().map(|a| a.agency.as_str()),
            )
        })
        .collect();
    assert_eq!(
        leaves,
        [
            ("S1a", 23, Some("partnership")),
            ("S1b", 24, Some("police"))
        ]
    );
    assert!(
        s1.item
            .text
            .starts_with("Information sharing between areas: WSCP to seek")
    );
    assert_eq!(x.recommendation_leaf_count(), 5);

    // Lettered sub-items after an item ending in ":" finish its sentence and
    // share its addressee.
    let md = extract_fixture("learning_and_recommendations.md");
    let r1 = &md.recommendations[0];
    let ids: Vec<&str> = r1.item.leaves.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["1a", "1b"]);
    assert!(r1.item.leaves.iter().all(|l| {
        l.addressee
            .as_ref()
            .is_some_and(|a| a.agency.as_str() == "local-authority")
    }));
    assert_eq!(
        md.recommendations[2].item.title.as_deref(),
        Some("Bruising protocol")
    );
    assert_eq!(md.recommendations[2].item.form, Form::Label);
}

#[test]
fn narrative_guidance_and_earlier_reviews_are_not_recommendations() {
    // "Professionals should have shared…", "The school recommended…", "The
    // panel has recommended that every partnership should…" are narrative.
    let x = extract_fixture("lead_in_list.txt");
    assert!(x.recommendations.iter().all(|r| r.item.line > 15));
    // "Recommendation 3 of the earlier review…" and the list under
    // "Recommendations from previous reviews" are someone else's.
    let x = extract_fixture("labels_and_messages.txt");
    assert_eq!(x.recommendations.len(), 2);
    assert!(texts(&x).iter().all(|t| !t.contains("neglect")));
    // "The review panel would like to thank…" under Recommendations.
    let x = extract_fixture("numbered_paragraphs.txt");
    assert_eq!(x.recommendations.len(), 2);
    assert_eq!(x.recommendations[0].item.form, Form::NumberedParagraph);
    // Instructions under a learning heading are learning points.
    let x = extract_fixture("learning_rows.txt");
    assert!(x.recommendations.is_empty());
}

#[test]
fn summary_copies_are_repeats_of_the_full_text() {
    let x = extract_fixture("announced_lists.txt");
    let repeats: Vec<Vec<usize>> = x
        .recommendations
        .iter()
        .map(|r| r.item.repeats.iter().map(|p| p.line).collect())
        .collect();
    assert_eq!(repeats, [vec![9], vec![11], vec![], vec![]]);
    assert!(texts(&x)[0].contains("report the findings to its executive"));
    assert!(
        texts(&x)
            .iter()
            .all(|t| !t.contains("scale of exploitation"))
    );
    assert_eq!(x.recommendations[2].item.form, Form::InlineLabel);
}

#[test]
fn secondary_agencies_in_fixtures() {
    let x = extract_fixture("numbered_paragraphs.txt");
    let p: Vec<(Option<&str>, &str, &str)> = x.recommendations[0]
        .partners
        .iter()
        .map(|p| {
            (
                p.agency.map(|a| a.as_str()),
                p.relation.as_str(),
                p.phrase.as_str(),
            )
        })
        .collect();
    assert_eq!(
        p,
        [(
            Some("health"),
            "assurance-from",
            "the Integrated Care Board"
        )]
    );
}

#[test]
fn page_break_inside_a_learning_point_is_rejoined() {
    let x = extract_fixture("child_learning_points.txt");
    let lp3 = &x.learning_points[2].item;
    assert!(
        lp3.text
            .contains("who knew her, and the loss of that daily contact")
    );
    assert_eq!((lp3.line, lp3.end_line), (27, 29));
    // The sentence before the first list is not a learning point.
    assert!(
        x.learning_points
            .iter()
            .all(|l| !l.item.text.starts_with("The review identified"))
    );
}
