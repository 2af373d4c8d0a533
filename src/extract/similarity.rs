//! How alike two passages are.
//!
//! Owns the text similarity used to drop repeated recommendation tables and
//! to flag learning points that restate a recommendation: both passages are
//! reduced to lower-case words (punctuation, quote styles and spacing do not
//! count), then compared with the Ratcliff/Obershelp "gestalt" ratio over
//! those words: twice the number of words in common blocks, found by
//! repeatedly taking the longest common run, over the total number of words.
//! 1.0 means the same words in the same order.

/// The words of a passage, lower-cased, without punctuation.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The similarity of two passages, from 0.0 (nothing in common) to 1.0.
pub fn similarity(a: &str, b: &str) -> f64 {
    ratio(&words(a), &words(b))
}

/// Whether two passages are at least `threshold` alike. Passages whose
/// lengths alone rule it out are not compared word by word, which keeps long
/// lists cheap.
pub fn at_least(a: &str, b: &str, threshold: f64) -> bool {
    words_at_least(&words(a), &words(b), threshold)
}

/// [`at_least`] for passages already reduced to [`words`] (a caller
/// comparing one passage with many splits each once).
pub fn words_at_least(wa: &[String], wb: &[String], threshold: f64) -> bool {
    let (short, total) = (wa.len().min(wb.len()), wa.len() + wb.len());
    if total > 0 && (2 * short) as f64 / (total as f64) < threshold {
        return false;
    }
    ratio(wa, wb) >= threshold
}

/// The gestalt ratio of two word sequences.
pub fn ratio(a: &[String], b: &[String]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    // Words become numbers first: the comparison below is quadratic, and
    // comparing two numbers is cheaper than comparing two strings.
    let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut numbered = [Vec::with_capacity(a.len()), Vec::with_capacity(b.len())];
    for (words, out) in [a, b].into_iter().zip(&mut numbered) {
        for w in words {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            out.push(*ids.entry(w.as_str()).or_insert(next));
        }
    }
    let [a, b] = numbered;
    2.0 * matched(&a, &b) as f64 / total as f64
}

/// Words in common blocks: the longest common run, then recursively the
/// same on either side of it.
fn matched(a: &[u32], b: &[u32]) -> usize {
    let (start_a, start_b, len) = longest_common_run(a, b);
    if len == 0 {
        return 0;
    }
    len + matched(&a[..start_a], &b[..start_b]) + matched(&a[start_a + len..], &b[start_b + len..])
}

/// The first longest run of equal words: (start in a, start in b, length).
fn longest_common_run(a: &[u32], b: &[u32]) -> (usize, usize, usize) {
    let mut best = (0, 0, 0);
    // Run lengths ending at the previous word of `a`, per position of `b`.
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    for (i, wa) in a.iter().enumerate() {
        for (j, wb) in b.iter().enumerate() {
            current[j + 1] = if wa == wb { previous[j] + 1 } else { 0 };
            if current[j + 1] > best.2 {
                best = (
                    i + 1 - current[j + 1],
                    j + 1 - current[j + 1],
                    current[j + 1],
                );
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_apart_from_quotes_and_spacing() {
        let a =
            "LSCP to host a Practitioner Forum on the topic ‘developing trusted relationships’.";
        let b =
            "LSCP to host a  Practitioner Forum on the topic 'developing trusted relationships'";
        assert_eq!(similarity(a, b), 1.0);
    }

    #[test]
    fn one_word_dropped_stays_close() {
        let a = "seek assurance that the District training course provides guidance";
        let b = "seek assurance that the training course provides guidance";
        let s = similarity(a, b);
        assert!(s > 0.9 && s < 1.0, "{s}");
    }

    #[test]
    fn unrelated_text_is_far() {
        let s = similarity(
            "Local police should review the released under investigation framework.",
            "Schools should record every exclusion and share it with the virtual school.",
        );
        assert!(s < 0.3, "{s}");
    }

    #[test]
    fn lengths_rule_out_early() {
        assert!(!at_least("a b c d e f g h", "a b", 0.7));
        assert!(at_least("a b c d", "a b c d e", 0.7));
    }

    #[test]
    fn ratio_counts_blocks_on_both_sides() {
        let w = |s: &str| words(s);
        // "a b" and "d e" match around a changed middle word.
        assert_eq!(ratio(&w("a b c d e"), &w("a b x d e")), 0.8);
        assert_eq!(ratio(&w(""), &w("")), 1.0);
        assert_eq!(ratio(&w("a"), &w("")), 0.0);
    }
}
