//! Micro-benchmarks of each stage of the pipeline, on the sample corpus:
//! reading (decoding and line index), layout and sections, rule matching,
//! extraction of records, and one whole document. Throughput is reported in
//! bytes of source text, so stages can be compared with each other and with
//! the end-to-end figures of `benches/compare.sh`.
//!
//! cargo bench --bench stages

use std::sync::Arc;

use divan::Bencher;
use divan::counter::BytesCount;
use revlens::analyse::{Settings, analyse_document};
use revlens::document::{Document, Parsed};
use revlens::rules::{RuleSet, RuleSources};
use revlens::themes;

fn main() {
    divan::main();
}

/// The sample reviews as read from disk: (path, bytes).
fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("corpus/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    files.sort();
    files
}

fn total_bytes(files: &[(String, Vec<u8>)]) -> BytesCount {
    BytesCount::new(files.iter().map(|(_, b)| b.len()).sum::<usize>())
}

fn documents(files: &[(String, Vec<u8>)]) -> Vec<Document> {
    files
        .iter()
        .map(|(path, bytes)| Document::from_file_bytes(path, bytes).expect("a sample review"))
        .collect()
}

fn builtin_rules() -> RuleSet {
    RuleSet::load(&RuleSources::default()).expect("the built-in rules load")
}

#[divan::bench]
fn reading(bencher: Bencher) {
    let files = corpus();
    bencher.counter(total_bytes(&files)).bench(|| {
        for (path, bytes) in &files {
            divan::black_box(Document::from_file_bytes(path, bytes).ok());
        }
    });
}

#[divan::bench]
fn sections(bencher: Bencher) {
    let files = corpus();
    bencher
        .counter(total_bytes(&files))
        .with_inputs(|| documents(&files))
        .bench_values(|docs| {
            docs.into_iter()
                .map(Document::parse)
                .collect::<Vec<Parsed>>()
        });
}

#[divan::bench]
fn matching(bencher: Bencher) {
    let files = corpus();
    let parsed: Vec<Parsed> = documents(&files).into_iter().map(Document::parse).collect();
    let kinds: Vec<_> = parsed.iter().map(themes::section_kinds).collect();
    let rules = builtin_rules();
    bencher.counter(total_bytes(&files)).bench(|| {
        for (p, k) in parsed.iter().zip(&kinds) {
            divan::black_box(themes::hits(p, &rules, k));
        }
    });
}

#[divan::bench]
fn extraction(bencher: Bencher) {
    let files = corpus();
    let parsed: Vec<Parsed> = documents(&files).into_iter().map(Document::parse).collect();
    bencher.counter(total_bytes(&files)).bench(|| {
        for p in &parsed {
            divan::black_box(revlens::extract::extract(p));
        }
    });
}

#[divan::bench]
fn whole_document(bencher: Bencher) {
    let files = corpus();
    let settings = Settings {
        rules: Arc::new(builtin_rules()),
        jobs: Some(1),
        ..Settings::default()
    };
    bencher
        .counter(total_bytes(&files))
        .with_inputs(|| documents(&files))
        .bench_values(|docs| {
            docs.into_iter()
                .map(|d| analyse_document(d, &settings))
                .collect::<Vec<_>>()
        });
}

#[divan::bench]
fn loading_rules(bencher: Bencher) {
    bencher.bench(builtin_rules);
}

/// One paragraph with no line break, at two sizes: matching must stay
/// linear (thousands of sentences, each with hits and all/none verdicts).
/// Equal throughput at both sizes is the check.
#[divan::bench(args = [100_000, 400_000])]
fn matching_one_long_line(bencher: Bencher, len: usize) {
    let sentence = "The child went missing and was not referred to the NRM. \
                    Information was not shared with the police. ";
    let text = sentence.repeat(len / sentence.len() + 1);
    let parsed = Document::from_file_bytes("long.txt", text.as_bytes())
        .expect("plain text reads")
        .parse();
    let kinds = themes::section_kinds(&parsed);
    let rules = builtin_rules();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| divan::black_box(themes::hits(&parsed, &rules, &kinds)));
}
