//! Sentence boundaries inside a paragraph.
//!
//! Owns splitting normalised paragraph text into sentences: Unicode sentence
//! boundaries (UAX #29, via unicode-segmentation), then re-joining the pieces
//! that end on an abbreviation these reviews use (`e.g.`, `i.e.`, `No.`,
//! `para.`, `Dr.`, an initial such as `C. Firmin`). A `s.47` or `4.1.3` never
//! breaks in the first place. Callers split only paragraphs that a rule has hit.
//!
//! Nearly all normalised text is ASCII, and for ASCII text the UAX #29 rules
//! reduce to a few byte classes; [`ascii_breaks`] applies them directly,
//! several times faster than the general tables, and a test holds it to
//! unicode-segmentation's answer on every kind of ASCII input.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Words that end with a full stop without ending the sentence (lowercase,
/// without the stop).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "eg", "i.e", "ie", "etc", "cf", "viz", "vs", "v", "no", "nos", "para", "paras", "p",
    "pp", "s", "ss", "sec", "art", "reg", "ref", "fig", "figs", "vol", "ch", "chap", "approx",
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "rev", "hon", "sgt", "det", "insp", "supt", "ds",
    "dc", "pc", "cllr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "ltd", "co", "dept", "govt", "a.m", "p.m",
];

/// Byte ranges of the sentences of `text`, trailing spaces excluded.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    split_into(text, &mut out);
    out
}

/// [`split`] into `out` (cleared first), so that a caller splitting many
/// paragraphs reuses one buffer.
pub fn split_into(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut glue = false;
    let mut add = |piece: Range<usize>| {
        let start = piece.start;
        let end = start + text[piece].trim_end().len();
        if end == start {
            // whitespace only: belongs to the previous sentence
            return;
        }
        match out.last_mut() {
            Some(last) if glue => last.end = end,
            _ => out.push(start..end),
        }
        glue = ends_with_abbreviation(&text[..end]);
    };
    if text.is_ascii() {
        let mut start = 0;
        for end in ascii_breaks(text.as_bytes())
            .into_iter()
            .chain(std::iter::once(text.len()))
            .filter(|&end| end > 0)
        {
            add(std::mem::replace(&mut start, end)..end);
        }
    } else {
        for (start, piece) in text.split_sentence_bound_indices() {
            add(start..start + piece.len());
        }
    }
}

/// The sentence of `text` that contains byte `offset` (sentences must come
/// from [`split`] of the same text).
pub fn containing(sentences: &[Range<usize>], offset: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= offset);
    // `offset` may fall in the space between two sentences: take the next.
    (i < sentences.len()).then_some(i)
}

/// The UAX #29 sentence break classes of ASCII characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

const fn class(b: u8) -> Class {
    match b {
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'\t' | 0x0b | 0x0c | b' ' => Class::Sp,
        b'a'..=b'z' => Class::Lower,
        b'A'..=b'Z' => Class::Upper,
        b'0'..=b'9' => Class::Numeric,
        b'.' => Class::ATerm,
        b'!' | b'?' => Class::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
        b',' | b'-' | b':' | b';' => Class::SContinue,
        _ => Class::Other,
    }
}

/// [`class`] of every byte, looked up rather than computed in the scan.
static CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = class(b as u8);
        b += 1;
    }
    table
};

/// Offsets inside ASCII `text` where a sentence break falls (UAX #29; not
/// the start or the end). Linear: breaks can only follow a terminator (after
/// its closing quotes and spaces) or a line end, and each stretch of text is
/// looked at a bounded number of times.
pub(crate) fn ascii_breaks(text: &[u8]) -> Vec<usize> {
    let n = text.len();
    let at = |i: usize| CLASSES[usize::from(text[i])];
    let is_term = |c: Class| matches!(c, Class::ATerm | Class::STerm);
    let mut breaks = Vec::new();
    let mut next_line_end = memchr::memchr2(b'\r', b'\n', text).unwrap_or(n);
    let mut next_term = memchr::memchr3(b'.', b'!', b'?', text).unwrap_or(n);
    let mut i = 0;
    while i < n {
        match at(i) {
            // SB3, SB4: break after a line end (CR LF is one).
            Class::Cr | Class::Lf => {
                let crlf = at(i) == Class::Cr && i + 1 < n && at(i + 1) == Class::Lf;
                i += if crlf { 2 } else { 1 };
                if i < n {
                    breaks.push(i);
                }
            }
            term @ (Class::ATerm | Class::STerm) => {
                // SB9, SB10: no break inside the terminator's Close* Sp*.
                let mut k = i + 1;
                while k < n && at(k) == Class::Close {
                    k += 1;
                }
                while k < n && at(k) == Class::Sp {
                    k += 1;
                }
                if k == n {
                    break;
                }
                let next = at(k);
                let adjacent = k == i + 1;
                let keep = match next {
                    // SB9–SB11: a line end stays with the sentence; the
                    // break comes after it (handled when we get there).
                    Class::Cr | Class::Lf => true,
                    // SB8a.
                    Class::SContinue | Class::ATerm | Class::STerm => true,
                    _ if term == Class::ATerm => {
                        // SB6: `3.5`; SB7: `U.S.A`.
                        (adjacent && next == Class::Numeric)
                            || (adjacent
                                && next == Class::Upper
                                && i > 0
                                && matches!(at(i - 1), Class::Upper | Class::Lower))
                            // SB8: lower case follows, after anything but
                            // letters, line ends and terminators.
                            || {
                                let mut j = k;
                                while j < n
                                    && !matches!(
                                        at(j),
                                        Class::Upper | Class::Lower | Class::Cr | Class::Lf
                                    )
                                    && !is_term(at(j))
                                {
                                    j += 1;
                                }
                                j < n && at(j) == Class::Lower
                            }
                    }
                    _ => false,
                };
                if !keep {
                    breaks.push(k);
                }
                i = k;
            }
            _ => {
                // Nothing breaks until the next terminator or line end:
                // jump there (memchr's vector search). Each is found once
                // and kept until passed, so text with many of one and none
                // of the other is not searched again from every stop.
                if next_line_end < i {
                    next_line_end = memchr::memchr2(b'\r', b'\n', &text[i..]).map_or(n, |p| i + p);
                }
                if next_term < i {
                    next_term = memchr::memchr3(b'.', b'!', b'?', &text[i..]).map_or(n, |p| i + p);
                }
                i = next_term.min(next_line_end);
            }
        }
    }
    breaks
}

/// The same offsets as [`ascii_breaks`], from unicode-segmentation.
pub(crate) fn unicode_breaks(text: &str) -> Vec<usize> {
    text.split_sentence_bound_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .collect()
}

fn ends_with_abbreviation(text: &str) -> bool {
    let Some(stem) = text.strip_suffix('.') else {
        return false;
    };
    // The boundary may be a multi-byte space (no-break space), so step past
    // the whole character rather than one byte.
    let word_start = stem
        .char_indices()
        .rfind(|&(_, c)| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &stem[word_start..];
    if word.is_empty() {
        return false;
    }
    // An initial: `C. Firmin`.
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    if word.is_ascii() {
        // The common case, without allocating.
        return ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            sentences("Joe was seen. He was not asked why! Was it known? Yes."),
            [
                "Joe was seen.",
                "He was not asked why!",
                "Was it known?",
                "Yes."
            ]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences(
                "Services, e.g. CAMHS and YOS, were involved. A s.47 enquiry followed (para. 4.1.3). See Dr. Smith and C. Firmin (2020) for more."
            ),
            [
                "Services, e.g. CAMHS and YOS, were involved.",
                "A s.47 enquiry followed (para. 4.1.3).",
                "See Dr. Smith and C. Firmin (2020) for more."
            ]
        );
        assert_eq!(
            sentences("Recommendation No. 5 was accepted. It i.e. The Board agreed."),
            [
                "Recommendation No. 5 was accepted.",
                "It i.e. The Board agreed."
            ]
        );
    }

    #[test]
    fn containing_finds_the_sentence() {
        let text = "One two. Three four.";
        let s = split(text);
        assert_eq!(containing(&s, 0), Some(0));
        assert_eq!(containing(&s, text.find("four").unwrap()), Some(1));
        assert_eq!(containing(&s, text.len()), None);
    }

    /// The ASCII fast path agrees with unicode-segmentation on random
    /// strings built from every sentence-break class.
    #[test]
    fn ascii_breaks_agree_with_unicode_segmentation() {
        use rand_chacha::ChaCha8Rng;
        use rand_chacha::rand_core::{Rng, SeedableRng};
        let pieces: &[&str] = &[
            "a", "word", "B", "Ab", "7", "12", ".", ".", "!", "?", ",", "-", ":", ";", " ", " ",
            "\t", "\x0b", "\x0c", "\n", "\r", "\r\n", "\"", "'", "(", ")", "[", "]", "{", "}", "#",
            "&", "\x01", "e.g.", "U.S.", "3.5",
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(29);
        for _ in 0..20_000 {
            let len = (rng.next_u32() % 14) as usize;
            let text: String = (0..len)
                .map(|_| pieces[rng.next_u32() as usize % pieces.len()])
                .collect();
            assert_eq!(
                ascii_breaks(text.as_bytes()),
                unicode_breaks(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn long_ascii_text_agrees_too() {
        // Many terminators, each followed by a run SB8 must look across.
        let text = ". 1".repeat(20_000) + &" 1".repeat(20_000) + ". x";
        let expected = unicode_breaks(&text);
        assert_eq!(expected.len(), 20_000);
        assert_eq!(ascii_breaks(text.as_bytes()), expected);
    }

    #[test]
    fn text_without_punctuation_is_one_sentence() {
        let text = "a long line without any full stop at all ".repeat(100);
        assert_eq!(split(&text).len(), 1);
    }
}
