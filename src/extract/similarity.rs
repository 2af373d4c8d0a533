//! How alike two passages are.
//!
//! Owns the text similarity used to drop repeated recommendation tables and
//! to flag learning points that restate a recommendation: both passages are
//! reduced to lower-case words (punctuation, quote styles and spacing do not
//! count), then compared with the Ratcliff/Obershelp "gestalt" ratio over
//! those words: twice the number of words in common blocks, found by
//! repeatedly taking the longest common run, over the total number of words.
//! 1.0 means the same words in the same order.
//!
//! A caller comparing many passages of one document numbers their words with
//! one [`Vocabulary`]: each word is lower-cased and looked up once, and the
//! quadratic comparison is of numbers rather than strings.

use rustc_hash::FxHashMap;

/// The words of a passage, lower-cased, without punctuation.
pub fn words(text: &str) -> Vec<String> {
    raw_words(text).map(|w| w.to_lowercase()).collect()
}

/// The words of a passage as written: split at anything but a letter, a
/// digit or an apostrophe, apostrophes at either end dropped.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            while at < text.len() {
                let (in_word, len) = word_char_at(text, at);
                if in_word {
                    break;
                }
                at += len;
            }
            if at == text.len() {
                return None;
            }
            let start = at;
            while at < text.len() {
                let (in_word, len) = word_char_at(text, at);
                if !in_word {
                    break;
                }
                at += len;
            }
            let word = text[start..at].trim_matches('\'');
            if !word.is_empty() {
                return Some(word);
            }
        }
    })
}

/// Whether the character at byte `at` belongs to a word, and its length.
/// ASCII (almost every character) is told from its byte alone.
fn word_char_at(text: &str, at: usize) -> (bool, usize) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        return (byte.is_ascii_alphanumeric() || byte == b'\'', 1);
    }
    let c = text[at..].chars().next().unwrap_or(' ');
    (c.is_alphanumeric(), c.len_utf8())
}

/// Numbers for the lower-cased words of the passages of one document: the
/// same word (whatever its case) always has the same number.
#[derive(Debug, Default)]
pub struct Vocabulary {
    // A fast hash: words are short, and every word of every passage
    // compared is looked up.
    ids: FxHashMap<String, u32>,
    lowered: String,
}

impl Vocabulary {
    /// The numbers of the words of a passage, as [`words`] splits them.
    pub fn words(&mut self, text: &str) -> Vec<u32> {
        raw_words(text).map(|w| self.id(w)).collect()
    }

    /// A passage numbered for comparing.
    pub fn passage(&mut self, text: &str) -> Passage {
        let words = self.words(text);
        let mut sorted = words.clone();
        sorted.sort_unstable();
        Passage { words, sorted }
    }

    /// How many different words have been numbered.
    #[cfg(test)]
    pub fn numbered(&self) -> usize {
        self.ids.len()
    }

    fn id(&mut self, word: &str) -> u32 {
        // Most words are lower-case ASCII already: looked up as they are,
        // with no copy made.
        let lower: &str = if word
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            word
        } else if word.is_ascii() {
            self.lowered.clear();
            self.lowered.push_str(word);
            self.lowered.make_ascii_lowercase();
            &self.lowered
        } else {
            self.lowered = word.to_lowercase();
            &self.lowered
        };
        if let Some(&id) = self.ids.get(lower) {
            return id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(lower.to_owned(), id);
        id
    }
}

/// A passage's numbered words, in order and sorted: the sorted copy gives
/// in linear time how many words two passages have in common, which is as
/// many as the gestalt ratio could match.
#[derive(Debug, Clone)]
pub struct Passage {
    words: Vec<u32>,
    sorted: Vec<u32>,
}

/// The similarity of two passages, from 0.0 (nothing in common) to 1.0.
pub fn similarity(a: &str, b: &str) -> f64 {
    let mut vocabulary = Vocabulary::default();
    ratio(&vocabulary.words(a), &vocabulary.words(b))
}

/// Whether two passages are at least `threshold` alike. Passages with too
/// few words in common to reach it are not compared run by run, which keeps
/// long lists cheap.
pub fn at_least(a: &str, b: &str, threshold: f64) -> bool {
    let mut vocabulary = Vocabulary::default();
    passages_at_least(&vocabulary.passage(a), &vocabulary.passage(b), threshold)
}

/// [`at_least`] for passages already numbered by one [`Vocabulary`] (a
/// caller comparing one passage with many numbers each once).
pub fn passages_at_least(a: &Passage, b: &Passage, threshold: f64) -> bool {
    bound(a, b) >= threshold && ratio(&a.words, &b.words) >= threshold
}

/// The gestalt ratio of two passages numbered by one [`Vocabulary`].
pub fn passage_ratio(a: &Passage, b: &Passage) -> f64 {
    ratio(&a.words, &b.words)
}

/// The highest ratio two passages could have: twice the words they have in
/// common (counted with repeats), over the words of both. No [`ratio`] of
/// them is above it, and most pairs of unrelated passages fall well below
/// a threshold on it, so they need not be compared run by run.
pub fn bound(a: &Passage, b: &Passage) -> f64 {
    let total = a.words.len() + b.words.len();
    if total == 0 {
        return 1.0;
    }
    (2 * sorted_intersection(&a.sorted, &b.sorted)) as f64 / total as f64
}

/// How many values two sorted lists share, repeats counted as often as
/// both lists hold them.
pub fn sorted_intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// The gestalt ratio of two word sequences numbered by one [`Vocabulary`].
pub fn ratio(a: &[u32], b: &[u32]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    (2 * matched(a, b)) as f64 / total as f64
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
    fn numbers_follow_the_lower_cased_words() {
        let text = "The LSCP's \u{2018}Review\u{2019} \u{2013} CAF\u{c9} caf\u{e9} 'the' REVIEW review2 \u{39a}\u{391}\u{39b}\u{39f}\u{3a3}";
        let mut vocabulary = Vocabulary::default();
        let numbers = vocabulary.words(text);
        let strings = words(text);
        assert_eq!(numbers.len(), strings.len());
        for i in 0..strings.len() {
            for j in 0..strings.len() {
                assert_eq!(
                    numbers[i] == numbers[j],
                    strings[i] == strings[j],
                    "{} and {}",
                    strings[i],
                    strings[j]
                );
            }
        }
        // The same words in a later passage get the same numbers.
        assert_eq!(vocabulary.words("the review"), vec![numbers[0], numbers[2]]);
    }

    #[test]
    fn words_split_at_anything_but_letters_digits_and_apostrophes() {
        let reference = |t: &str| -> Vec<String> {
            t.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .map(|w| w.trim_matches('\'').to_lowercase())
                .filter(|w| !w.is_empty())
                .collect()
        };
        for text in [
            "",
            "'",
            "''a''",
            "The LSCP's review (2019) \u{2013} 4.1a",
            "caf\u{e9}\u{2019}s na\u{ef}ve\u{a0}CAF\u{c9} \u{201c}quoted\u{201d}",
            "\u{39a}\u{391}\u{39b}\u{39f}\u{3a3} \u{2460}\u{b2} x\u{301}y",
            "  leading and trailing  ",
        ] {
            assert_eq!(words(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn the_bound_is_the_words_in_common() {
        let mut vocabulary = Vocabulary::default();
        let mut p = |s: &str| vocabulary.passage(s);
        let (a, b) = (p("a b c a d"), p("d a a x y"));
        // a, a and d in common: 6 of 10 words, though in another order.
        assert_eq!(bound(&a, &b), 0.6);
        assert!(passage_ratio(&a, &b) <= bound(&a, &b));
        assert_eq!(bound(&p(""), &p("")), 1.0);
    }

    #[test]
    fn lengths_rule_out_early() {
        assert!(!at_least("a b c d e f g h", "a b", 0.7));
        assert!(at_least("a b c d", "a b c d e", 0.7));
    }

    #[test]
    fn ratio_counts_blocks_on_both_sides() {
        let mut vocabulary = Vocabulary::default();
        let mut w = |s: &str| vocabulary.words(s);
        // "a b" and "d e" match around a changed middle word.
        assert_eq!(ratio(&w("a b c d e"), &w("a b x d e")), 0.8);
        assert_eq!(ratio(&w(""), &w("")), 1.0);
        assert_eq!(ratio(&w("a"), &w("")), 0.0);
    }
}
