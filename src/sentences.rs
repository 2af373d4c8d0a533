//! Sentence boundaries inside a paragraph.
//!
//! Owns splitting normalised paragraph text into sentences: Unicode sentence
//! boundaries (UAX #29, via unicode-segmentation), then re-joining the pieces
//! that end on an abbreviation these reviews use (`e.g.`, `i.e.`, `No.`,
//! `para.`, `Dr.`, an initial such as `C. Firmin`). A `s.47` or `4.1.3` never
//! breaks in the first place. Callers split only paragraphs that a rule has hit.

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
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut glue = false;
    for (start, piece) in text.split_sentence_bound_indices() {
        let end = start + piece.trim_end().len();
        if end == start {
            // whitespace only: belongs to the previous sentence
            continue;
        }
        match out.last_mut() {
            Some(last) if glue => last.end = end,
            _ => out.push(start..end),
        }
        glue = ends_with_abbreviation(&text[..end]);
    }
    out
}

/// The sentence of `text` that contains byte `offset` (sentences must come
/// from [`split`] of the same text).
pub fn containing(sentences: &[Range<usize>], offset: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= offset);
    // `offset` may fall in the space between two sentences: take the next.
    (i < sentences.len()).then_some(i)
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

    #[test]
    fn text_without_punctuation_is_one_sentence() {
        let text = "a long line without any full stop at all ".repeat(100);
        assert_eq!(split(&text).len(), 1);
    }
}
