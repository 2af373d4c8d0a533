//! Generates a benchmark corpus of any size from the sample reviews.
//!
//! Each generated document starts from one sample review and keeps its
//! skeleton (cover, contents, headings, recommendation labels, in order); the
//! paragraphs between headings are shuffled within their section and some are
//! swapped for paragraphs of other samples, so documents differ while staying
//! shaped like real reviews. A seeded ChaCha8 generator makes the output
//! identical, byte for byte, on every machine and run.
//!
//! usage: cargo run --release --example gen_corpus -- OUT_DIR SIZE [SEED]
//!        (SIZE like 100MB, 1GB, 500KB; SEED defaults to 1)

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool: printing is its job

use std::path::Path;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = s.strip_suffix("GB") {
        (n, 1u64 << 30)
    } else if let Some(n) = s.strip_suffix("MB") {
        (n, 1 << 20)
    } else if let Some(n) = s.strip_suffix("KB") {
        (n, 1 << 10)
    } else {
        (s.as_str(), 1)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .map(|n| (n * mult as f64) as u64)
}

/// Blocks of a document (text between blank lines) and whether each is part
/// of the skeleton: short lines (headings, labels, captions) and the cover.
fn blocks(text: &str) -> Vec<(String, bool)> {
    text.split("\n\n")
        .map(str::trim_end)
        .filter(|b| !b.trim().is_empty())
        .enumerate()
        .map(|(i, b)| {
            let skeleton = i < 8 || (!b.contains('\n') && b.split_whitespace().count() <= 12);
            (b.to_owned(), skeleton)
        })
        .collect()
}

/// Shuffles `run` (Fisher-Yates) onto the end of `doc`.
fn flush<'a>(run: &mut Vec<&'a String>, doc: &mut Vec<&'a String>, rng: &mut ChaCha8Rng) {
    for i in (1..run.len()).rev() {
        let j = below(rng, i + 1);
        run.swap(i, j);
    }
    doc.append(run);
}

fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(out), Some(size)) = (args.first(), args.get(1).and_then(|s| parse_size(s))) else {
        eprintln!("usage: gen_corpus OUT_DIR SIZE [SEED]   (SIZE like 100MB)");
        std::process::exit(2);
    };
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut samples: Vec<Vec<(String, bool)>> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for p in &names {
        samples.push(blocks(
            &std::fs::read_to_string(p).expect("sample is UTF-8"),
        ));
    }
    let pool: Vec<&String> = samples
        .iter()
        .flatten()
        .filter(|(_, s)| !s)
        .map(|(b, _)| b)
        .collect();
    let out = Path::new(out);
    std::fs::create_dir_all(out).expect("create output folder");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut written, mut n) = (0u64, 0usize);
    while written < size {
        let base = &samples[n % samples.len()];
        let mut doc: Vec<&String> = Vec::with_capacity(base.len());
        let mut run: Vec<&String> = Vec::new();
        for (b, skeleton) in base {
            if *skeleton {
                flush(&mut run, &mut doc, &mut rng);
                doc.push(b);
            } else if below(&mut rng, 4) == 0 {
                run.push(pool[below(&mut rng, pool.len())]);
            } else {
                run.push(b);
            }
        }
        flush(&mut run, &mut doc, &mut rng);
        let text = doc
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n";
        std::fs::write(out.join(format!("review_{n:05}.txt")), &text).expect("write document");
        written += text.len() as u64;
        n += 1;
    }
    println!(
        "{n} documents, {:.1} MB in {}",
        written as f64 / (1 << 20) as f64,
        out.display()
    );
}
