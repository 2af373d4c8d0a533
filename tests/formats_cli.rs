//! PDF and Word input, as a user meets it: the sample reviews converted to
//! `.docx` and `.pdf` (by `make_fixtures`) must give the same analysis as
//! their `.txt` originals, positions must name pages and paragraphs, and
//! broken files must be reported clearly with exit code 3.
//!
//! Set `REVLENS_FIXTURES_DIR` to keep a copy of the generated files (to look
//! at them, or to run `revlens extract` on them).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use revlens::decode::Encoding;
use revlens::layout::{Flavour, Role};
use revlens::model::{Analysis, DocumentReport};

use crate::make_fixtures;
use crate::util::{assert_code, revlens_in, root, stderr, stdout};

const SAMPLES: &[&str] = &[
    "000_9a06eec279647b8d",
    "001_4a603e92047f1424",
    "002_5d3176033adc132a",
    "004_e88311f8b7e3dce9",
];

/// Writes every sample as `.txt`, `.docx` and `.pdf` into `dir`.
fn write_samples(dir: &Path) {
    for name in SAMPLES {
        let file = format!("corpus/{name}.txt");
        let text = fs::read_to_string(root().join(&file)).unwrap();
        fs::write(dir.join(format!("{name}.txt")), &text).unwrap();
        fs::write(
            dir.join(format!("{name}.docx")),
            make_fixtures::docx(&file, &text),
        )
        .unwrap();
        fs::write(
            dir.join(format!("{name}.pdf")),
            make_fixtures::pdf(&file, &text),
        )
        .unwrap();
    }
    if let Some(keep) = std::env::var_os("REVLENS_FIXTURES_DIR") {
        fs::create_dir_all(&keep).unwrap();
        for entry in fs::read_dir(dir).unwrap().flatten() {
            fs::copy(entry.path(), Path::new(&keep).join(entry.file_name())).unwrap();
        }
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What must not change when a review is converted: the differences found.
fn differences(txt: &DocumentReport, other: &DocumentReport) -> Vec<String> {
    let mut out = Vec::new();
    if txt.title != other.title {
        out.push(format!("title {:?} vs {:?}", txt.title, other.title));
    }
    let sections = |d: &DocumentReport| -> Vec<String> {
        d.sections
            .iter()
            .map(|s| {
                format!(
                    "{} {} {:?} [{}]",
                    "#".repeat(s.level as usize),
                    s.number.as_deref().unwrap_or("-"),
                    squash(&s.title),
                    s.kind
                )
            })
            .collect()
    };
    let (a, b) = (sections(txt), sections(other));
    if a != b {
        let only_a: Vec<_> = a.iter().filter(|s| !b.contains(s)).collect();
        let only_b: Vec<_> = b.iter().filter(|s| !a.contains(s)).collect();
        out.push(format!(
            "sections differ ({} vs {}); only in txt: {only_a:#?}; only in {}: {only_b:#?}",
            a.len(),
            b.len(),
            other.path
        ));
    }
    let recs = |d: &DocumentReport| -> Vec<(String, String)> {
        d.recommendations
            .iter()
            // Modulo whitespace: a footnote marker may sit apart from its
            // word in one version and against it in the other.
            .map(|r| (r.id.clone(), r.text.split_whitespace().collect::<String>()))
            .collect()
    };
    if recs(txt) != recs(other) {
        out.push(format!(
            "recommendations differ: {:#?} vs {:#?}",
            recs(txt),
            recs(other)
        ));
    }
    let themes: BTreeSet<&str> = txt
        .themes
        .iter()
        .chain(&other.themes)
        .map(|t| t.id.as_str())
        .collect();
    for id in themes {
        let hits = |d: &DocumentReport| d.themes.iter().find(|t| t.id == id).map_or(0, |t| t.hits);
        let (h1, h2) = (hits(txt), hits(other));
        if h1.abs_diff(h2) > 1 || (h1 == 0) != (h2 == 0) {
            out.push(format!(
                "theme {id}: {h1} hits in txt, {h2} in {}",
                other.path
            ));
        }
    }
    out
}

#[test]
fn converted_reviews_analyse_like_their_text() {
    let dir = tempfile::tempdir().unwrap();
    write_samples(dir.path());
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 0);
    let analysis: Analysis = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        analysis.documents.len(),
        SAMPLES.len() * 3,
        "the walk takes .pdf and .docx"
    );
    let report = |name: &str| {
        analysis
            .documents
            .iter()
            .find(|d| d.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not analysed"))
    };
    let mut failures = Vec::new();
    for name in SAMPLES {
        let txt = report(&format!("{name}.txt"));
        assert!(
            txt.sections.len() > 15,
            "{name}: the original has its sections"
        );
        for ext in ["docx", "pdf"] {
            let other = report(&format!("{name}.{ext}"));
            assert!(
                other.errors.is_empty(),
                "{}: {:?}",
                other.path,
                other.errors
            );
            assert_eq!(other.format.as_deref(), Some(ext));
            for d in differences(txt, other) {
                failures.push(format!("{name}.{ext}: {d}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The broken files of the acceptance criteria, each with the words its
/// message must contain.
fn broken_files(dir: &Path) -> Vec<(&'static str, Vec<&'static str>)> {
    let adam = fs::read_to_string(root().join("corpus/000_9a06eec279647b8d.txt")).unwrap();
    let good_pdf = make_fixtures::pdf("000.txt", &adam);
    let good_docx = make_fixtures::docx("000.txt", &adam);
    fs::write(dir.join("scan.pdf"), make_fixtures::scanned_pdf()).unwrap();
    fs::write(
        dir.join("locked.pdf"),
        make_fixtures::encrypted_pdf("The review was commissioned in 2021.", "secret"),
    )
    .unwrap();
    fs::write(dir.join("empty.pdf"), b"").unwrap();
    fs::write(
        dir.join("oddfont.pdf"),
        make_fixtures::pdf_with_unknown_encoding(),
    )
    .unwrap();
    fs::write(dir.join("truncated.pdf"), &good_pdf[..good_pdf.len() / 3]).unwrap();
    fs::write(dir.join("notzip.docx"), "this was never a Word file").unwrap();
    fs::write(dir.join("damaged.docx"), &good_docx[..good_docx.len() / 2]).unwrap();
    fs::write(dir.join("good.txt"), &adam).unwrap();
    vec![
        ("scan.pdf", vec!["no text layer", "OCR"]),
        ("locked.pdf", vec!["encrypted", "password"]),
        ("empty.pdf", vec!["empty (0 bytes)"]),
        // the PDF reader panics on it; revlens reports it
        (
            "oddfont.pdf",
            vec!["PDF reader gave up", "unexpected encoding"],
        ),
        ("truncated.pdf", vec!["PDF"]),
        ("notzip.docx", vec!["not a Word .docx document"]),
        ("damaged.docx", vec!["damaged Word document"]),
    ]
}

#[test]
fn broken_files_are_reported_one_by_one_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let expected = broken_files(dir.path());
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 3);
    let err = stderr(&o);
    assert!(
        !err.contains("panicked"),
        "a parser panic reached the user:\n{err}"
    );
    let analysis: Analysis = serde_json::from_str(&stdout(&o)).unwrap();
    for (name, words) in &expected {
        let d = analysis
            .documents
            .iter()
            .find(|d| d.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} missing from the report"));
        assert_eq!(d.errors.len(), 1, "{name}: {:?}", d.errors);
        for w in words {
            assert!(
                d.errors[0].contains(w),
                "{name}: {:?} lacks {w:?}",
                d.errors
            );
        }
        assert!(
            err.contains(&format!("{name}: ")),
            "{name} not named on stderr:\n{err}"
        );
    }
    let good = analysis
        .documents
        .iter()
        .find(|d| d.path.ends_with("good.txt"))
        .unwrap();
    assert!(
        good.errors.is_empty() && good.sections.len() > 15,
        "the others are analysed"
    );
    // One document at a time, too.
    for (name, words) in &expected {
        for command in ["sections", "extract"] {
            let o = revlens_in(dir.path(), &[command, name]);
            assert_code(&o, 3);
            assert!(
                stderr(&o).contains(words[0]),
                "{command} {name}: {}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn a_pdf_locked_only_against_editing_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The review was commissioned by the partnership in 2021.";
    fs::write(
        dir.path().join("open.pdf"),
        make_fixtures::encrypted_pdf(text, ""),
    )
    .unwrap();
    let o = revlens_in(dir.path(), &["extract", "open.pdf"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o).trim(), text);
}

const SMALL_REVIEW: &str = "Child Q Review\n\n1. Introduction\n\nThe review began in 2021 and looked at the work of every agency.\n\n2. Findings\n\nSome text about the findings of the review and what was learned.\n\nRecommendations\n\n1. The partnership should act on the findings.\n2. The board should check that it has.\n";

#[test]
fn word_positions_are_paragraph_numbers() {
    let bytes = make_fixtures::docx("q.txt", SMALL_REVIEW);
    let doc = revlens::document::Document::from_file_bytes("q.docx", &bytes).unwrap();
    let at = |needle: &str| doc.locate(doc.text.find(needle).unwrap());
    // Every piece of the review is one Word paragraph, counted from 1.
    assert_eq!(at("The review began").paragraph, Some(3));
    assert_eq!(at("The board should").paragraph, Some(8));
    assert_eq!(at("board should").page, None);
    let parsed = doc.parse();
    let sections = parsed.section_reports();
    let found: Vec<(&str, Option<usize>)> = sections
        .iter()
        .map(|s| (s.title.as_str(), s.paragraph))
        .collect();
    assert_eq!(
        found,
        [
            ("Introduction", Some(2)),
            ("Findings", Some(4)),
            ("Recommendations", Some(6))
        ]
    );
}

#[test]
fn pdf_positions_are_the_pages_the_text_is_on() {
    let file = "corpus/004_e88311f8b7e3dce9.txt";
    let text = fs::read_to_string(root().join(file)).unwrap();
    let bytes = make_fixtures::pdf(file, &text);
    // An independent reading: the plain text of each page.
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
    let squashed: Vec<String> = pages.iter().map(|p| squash(p)).collect();
    let doc = revlens::document::Document::from_file_bytes("joe.pdf", &bytes).unwrap();
    let parsed = doc.parse();
    let sections = parsed.section_reports();
    assert!(sections.len() > 15);
    for s in &sections {
        let page = s.page.expect("every heading of a PDF has a page");
        assert!(s.paragraph.is_none());
        let on_page = &squashed[page - 1];
        assert!(
            on_page.contains(&squash(&s.title)),
            "{:?} is said to be on page {page}, which reads: {on_page:.300}",
            s.title
        );
    }
    // Later headings are never on earlier pages.
    assert!(sections.windows(2).all(|w| w[0].page <= w[1].page));
}

#[test]
fn sections_report_pages_and_paragraphs_only_for_converted_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("q.txt"), SMALL_REVIEW).unwrap();
    fs::write(
        dir.path().join("q.docx"),
        make_fixtures::docx("q.txt", SMALL_REVIEW),
    )
    .unwrap();
    fs::write(
        dir.path().join("q.pdf"),
        make_fixtures::pdf("q.txt", SMALL_REVIEW),
    )
    .unwrap();
    let keys = |file: &str| {
        let o = revlens_in(dir.path(), &["sections", file, "--format", "json"]);
        assert_code(&o, 0);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let first = v["sections"][0].as_object().unwrap().clone();
        (first.contains_key("page"), first.contains_key("paragraph"))
    };
    assert_eq!(keys("q.txt"), (false, false));
    assert_eq!(keys("q.docx"), (false, true));
    assert_eq!(keys("q.pdf"), (true, false));
    // The table shows the page or paragraph where the line would be.
    // The numbered recommendations keep their numbers (Word list numbering
    // in the .docx, hanging numbers in the PDF).
    for file in ["q.docx", "q.pdf"] {
        let text = stdout(&revlens_in(dir.path(), &["extract", file]));
        assert!(
            text.contains(
                "1. The partnership should act on the findings.\n2. The board should check that it has.\n"
            ),
            "{file}:\n{text}"
        );
    }
    for (file, at) in [("q.docx", "¶6"), ("q.pdf", "p.1")] {
        let table = stdout(&revlens_in(dir.path(), &["sections", file]));
        let row = table.lines().find(|l| l.contains("Recommendations"));
        assert!(
            row.is_some_and(|r| r.split_whitespace().next() == Some(at)),
            "{table}"
        );
    }
}

/// Long prose paragraphs (over 30 words) of the original, as revlens reads
/// them, that it reads whole, and in the same words, from the conversion.
fn whole_paragraphs(original: &str, converted: &str, flavour: Flavour) -> (Vec<String>, usize) {
    let prose = |text: &str, flavour| -> Vec<String> {
        let doc = revlens::document::Document::from_text(
            "x",
            text.into(),
            flavour,
            Encoding::Utf8,
            vec![],
        );
        doc.parse()
            .layout
            .paragraphs
            .iter()
            .filter(|p| p.role == Role::Prose && p.word_count() > 30)
            // Spaces aside: a footnote marker may stand apart from its word.
            .map(|p| p.as_str().split_whitespace().collect())
            .collect()
    };
    let converted: BTreeSet<String> = prose(converted, flavour).into_iter().collect();
    let paragraphs = prose(original, Flavour::PlainText);
    let broken = paragraphs
        .iter()
        .filter(|p| !converted.contains(*p))
        .cloned()
        .collect();
    (broken, paragraphs.len())
}

#[test]
fn extract_gives_back_the_paragraphs_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    write_samples(dir.path());
    for name in SAMPLES {
        let original = fs::read_to_string(dir.path().join(format!("{name}.txt"))).unwrap();
        for ext in ["pdf", "docx"] {
            let file = format!("{name}.{ext}");
            let o = revlens_in(dir.path(), &["extract", &file]);
            assert_code(&o, 0);
            let text = stdout(&o);
            // Page furniture is gone: no footer, and the running title is
            // not repeated page after page.
            assert!(
                !text.lines().any(|l| l.starts_with("Page ")),
                "{file}: page numbers left"
            );
            let flavour = if ext == "docx" {
                Flavour::Markdown
            } else {
                Flavour::PlainText
            };
            let (broken, all) = whole_paragraphs(&original, &text, flavour);
            assert!(
                broken.len() * 100 <= all * 5,
                "{file}: {} of {all} long paragraphs not read whole: {broken:#?}",
                broken.len()
            );
            if ext == "docx" {
                assert!(
                    text.lines().any(|l| l.starts_with("## ")),
                    "{file}: headings"
                );
            }
        }
    }
    // The two-column page of Joe's review is read column by column: the
    // paragraph that runs down the left column is whole.
    let joe = stdout(&revlens_in(
        dir.path(),
        &["extract", "004_e88311f8b7e3dce9.pdf"],
    ));
    assert!(
        joe.lines()
            .any(|l| l.starts_with("2.1 Joe was 17 years old")
                && l.trim_end().ends_with("known to a neighbouring authority.")),
        "{joe:.3000}"
    );
}

#[test]
fn a_scanned_page_in_a_text_pdf_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The review was commissioned by the partnership in 2021.";
    fs::write(
        dir.path().join("mixed.pdf"),
        make_fixtures::partly_scanned_pdf(text),
    )
    .unwrap();
    let o = revlens_in(dir.path(), &["extract", "mixed.pdf"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o).trim(), text);
    assert!(
        stderr(&o).contains("1 page with no text layer, only images (scanned?): page 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn words_hyphenated_by_a_typesetter_are_joined_again() {
    let file = "corpus/002_5d3176033adc132a.txt";
    let original = fs::read_to_string(root().join(file)).unwrap();
    let (bytes, hyphenated) = make_fixtures::pdf_hyphenated(file, &original);
    assert!(hyphenated >= 20, "only {hyphenated} words hyphenated");
    let doc = revlens::document::Document::from_file_bytes("sam.pdf", &bytes).unwrap();
    let (broken, all) = whole_paragraphs(&original, &doc.text, Flavour::PlainText);
    assert!(
        broken.len() * 100 <= all * 5,
        "{} of {all} long paragraphs not read whole: {broken:#?}",
        broken.len()
    );
    // No hyphenated word is left broken: every word of the extract is a
    // word of the original.
    let words = |t: &str| -> BTreeSet<String> {
        t.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .map(|w| w.trim_matches('-').to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let known = words(&original);
    let strange: Vec<String> = words(&doc.text).difference(&known).cloned().collect();
    assert!(strange.len() <= 2, "words not in the original: {strange:?}");
}

/// Evidence, records and lint findings in a PDF say on which page; in a
/// Word file, in which paragraph; in a text file, at which line (and carry
/// neither key).
#[test]
fn evidence_records_and_lint_give_pages_and_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    write_samples(dir.path());
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for d in v["documents"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        let (want_page, want_paragraph) = (path.ends_with(".pdf"), path.ends_with(".docx"));
        let evidence: Vec<&serde_json::Value> = d["themes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["evidence"].as_array().unwrap())
            .collect();
        let records: Vec<&serde_json::Value> = d["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(d["learning_points"].as_array().unwrap())
            .collect();
        assert!(!evidence.is_empty() && !records.is_empty(), "{path}");
        for item in evidence.iter().chain(&records) {
            assert_eq!(item.get("page").is_some(), want_page, "{path}: {item}");
            assert_eq!(
                item.get("paragraph").is_some(),
                want_paragraph,
                "{path}: {item}"
            );
            if want_page {
                assert!(item["page"].as_u64().unwrap() >= 1);
            }
        }
    }
    // Lint names the page or paragraph instead of a line of converted text.
    for (file, place) in [
        ("004_e88311f8b7e3dce9.pdf", ":page "),
        ("004_e88311f8b7e3dce9.docx", ":paragraph "),
    ] {
        let o = revlens_in(dir.path(), &["lint", file, "--fail-on", "error"]);
        assert_code(&o, 0);
        let out = stdout(&o);
        let first = out.lines().next().unwrap_or("");
        assert!(first.starts_with(&format!("{file}{place}")), "{first}");
        let gutter = out.lines().nth(2).unwrap_or("");
        assert!(
            gutter.starts_with(if place == ":page " { "p." } else { "¶" }),
            "{gutter}"
        );
    }
}
