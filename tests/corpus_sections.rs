//! Section splitting on the sample corpus against the hand-counted ground
//! truth of structure.md (§0, §2, §3, §6): the top-level sections with their
//! kinds, notable sub-sections, and the look-alikes that must not become
//! sections (numbered paragraphs, contents lines, captions, footnotes, cover
//! and metadata lines, lead-ins, timeline bands).

use revlens::document::{Document, Parsed};
use revlens::layout::Flavour;

use crate::util::root;

fn parse(file: &str) -> Parsed {
    let path = root().join("corpus").join(file);
    let bytes = std::fs::read(&path).unwrap();
    Document::from_bytes(file, &bytes, Flavour::PlainText)
        .unwrap()
        .parse()
}

const ADAM: &str = "000_9a06eec279647b8d.txt";
const RIP: &str = "001_4a603e92047f1424.txt";
const SAM: &str = "002_5d3176033adc132a.txt";
const JOE: &str = "004_e88311f8b7e3dce9.txt";

struct Expected {
    file: &'static str,
    title: &'static str,
    /// (title, kind, line) of every top-level section, in order.
    top: &'static [(&'static str, &'static str, usize)],
    /// (line, level) of sub-sections worth pinning down.
    nested: &'static [(usize, u8)],
    /// Lines that look like headings but are not.
    not_headings: &'static [usize],
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: ADAM,
        title: "Adam Local Child Safeguarding Practice Review",
        top: &[
            (
                "Background and Introduction to the review",
                "introduction",
                25,
            ),
            ("Key Findings", "analysis", 52),
            ("Strengths in Practice", "good-practice", 76),
            ("Learning Points", "learning", 84),
            (
                "Analysis & Findings with Key Recommendations",
                "analysis",
                108,
            ),
            ("References", "references", 200),
        ],
        nested: &[
            (27, 2),
            (33, 2),
            (86, 2),
            (93, 2),
            (100, 2),
            (112, 2),
            (182, 2),
        ],
        // cover boilerplate, lead-in, theme bullets, recommendation labels,
        // the R10 lead-in, reference entries
        not_headings: &[3, 5, 7, 9, 10, 23, 37, 39, 40, 120, 190, 202, 204, 206, 209],
    },
    Expected {
        file: RIP,
        title: "2019 Triennial Analysis of Serious Case Reviews: Early help",
        top: &[
            ("Introduction", "introduction", 38),
            ("About this briefing", "introduction", 177),
            ("Safeguarding and early help", "analysis", 187),
            ("Poverty and neglect", "analysis", 223),
            ("Early help assessments", "analysis", 291),
            ("Early help for adolescents", "analysis", 308),
            ("Effective multi-agency working", "analysis", 398),
            ("References", "references", 452),
            ("Acknowledgements", "appendix", 482),
        ],
        nested: &[
            (55, 2),
            (62, 2),
            (274, 2),
            (322, 2),
            (368, 2),
            (372, 3),
            (436, 2),
            (446, 2),
        ],
        // logo, contents and its lines, captions, footnotes, lead-in that
        // starts with a contents title, lone icon, repeated title, metadata
        not_headings: &[
            1, 11, 13, 15, 16, 17, 18, 19, 20, 21, 79, 119, 130, 145, 147, 168, 170, 175, 199, 324,
            340, 444, 480, 484, 486, 490,
        ],
    },
    Expected {
        file: SAM,
        title: "Multi-Agency Learning Review: Child Sam",
        top: &[
            ("Introduction", "introduction", 43),
            ("Background", "background", 148),
            ("The story of Sam", "chronology", 229),
            ("Analysis of significant issues", "analysis", 341),
            ("Conclusion", "conclusion", 581),
            ("Table of Recommendations", "recommendations", 619),
        ],
        nested: &[
            (45, 2),
            (63, 2),
            (81, 2),
            (119, 2),
            (140, 2),
            (152, 2),
            (231, 2),
            (345, 2),
            (432, 2),
            (523, 2),
            (555, 2),
        ],
        // title block, contents, lead-ins, list items, footnote, captions,
        // item labels
        not_headings: &[
            3, 5, 7, 14, 16, 24, 36, 37, 41, 72, 85, 111, 197, 199, 203, 205, 369, 377, 438, 439,
            561, 621,
        ],
    },
    Expected {
        file: JOE,
        title: "Local Child Safeguarding Practice Review: Child Joe",
        top: &[
            ("Introduction and context of the review", "introduction", 26),
            ("Relevant background", "background", 36),
            ("The review methodology", "methodology", 176),
            ("Thematic analysis and Key learning", "analysis", 193),
            ("Summary and Recommendations", "recommendations", 437),
        ],
        nested: &[
            (54, 2),
            (186, 2),
            (195, 2),
            (197, 3),
            (295, 3),
            (305, 2),
            (352, 3),
            (361, 2),
            (447, 2),
            (449, 3),
            (456, 3),
        ],
        // contents, author block and its footnotes, numbered paragraphs, the
        // unpunctuated sentence, timeline legend and bands, timeline
        // footnotes, Key Themes list, caps band, list rows
        not_headings: &[
            7, 8, 12, 14, 16, 18, 20, 22, 28, 38, 50, 64, 70, 81, 83, 85, 87, 89, 91, 99, 125, 159,
            170, 172, 173, 188, 189, 191, 199, 209, 239, 297, 317, 320, 439, 451, 460,
        ],
    },
];

#[test]
fn top_level_sections_match_the_ground_truth() {
    for e in EXPECTED {
        let p = parse(e.file);
        let top: Vec<(&str, &str, usize)> = p
            .outline
            .headings()
            .filter(|s| s.level == 1)
            .map(|s| (s.title.as_str(), s.kind.as_str(), s.line))
            .collect();
        assert_eq!(top, e.top, "{}", e.file);
        assert_eq!(p.outline.title.as_deref(), Some(e.title), "{}", e.file);
    }
}

#[test]
fn sub_sections_sit_at_their_level() {
    for e in EXPECTED {
        let p = parse(e.file);
        for &(line, level) in e.nested {
            let s = p.outline.headings().find(|s| s.line == line);
            assert_eq!(
                s.map(|s| s.level),
                Some(level),
                "{}:{line} {:?}",
                e.file,
                s.map(|s| &s.title)
            );
        }
    }
}

#[test]
fn look_alikes_never_become_sections() {
    for e in EXPECTED {
        let p = parse(e.file);
        for s in p.outline.headings() {
            assert!(
                !e.not_headings.contains(&s.line),
                "{}:{} {:?} is not a heading",
                e.file,
                s.line,
                s.title
            );
        }
        // numbered paragraphs (4.1.1 This section …) never head a section
        for s in p.outline.headings() {
            assert!(
                s.title.split_whitespace().count() <= 16,
                "{}:{} {:?}",
                e.file,
                s.line,
                s.title
            );
        }
    }
}

#[test]
fn contents_entries_are_dropped_from_the_tree() {
    for file in [RIP, SAM, JOE] {
        let p = parse(file);
        assert!(!p.layout.toc.is_empty(), "{file} has a contents list");
        let last_toc_line = p.layout.toc.iter().map(|e| e.line).max().unwrap();
        let first = p.outline.headings().next().unwrap();
        assert!(first.line > last_toc_line, "{file}: {:?}", first.title);
    }
}
