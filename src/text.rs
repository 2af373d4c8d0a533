//! Text that remembers where it came from.
//!
//! Owns [`LineIndex`] (byte offset in a document → 1-based line and character
//! column), [`MappedText`] (a rewritten string with a map from each of its byte
//! offsets back to the document), and [`normalise_into`], the clean-up applied
//! before headings, sentences and rules see a paragraph: curly quotes and
//! dashes made plain, Markdown emphasis, links and HTML tags removed, footnote
//! markers dropped, whitespace runs folded. Everything downstream works on
//! normalised text and reports positions through the map.

use std::ops::Range;

/// 1-based line and column (in characters) of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, and column marks inside long
/// lines.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(offset, characters from its line's start to it)` every
    /// [`MARK_EVERY`] bytes of lines longer than that, in offset order: a
    /// column is counted from the nearest mark, not from the start of a line
    /// that may be megabytes long.
    marks: Vec<(usize, usize)>,
}

/// Bytes between column marks in long lines.
const MARK_EVERY: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 60 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut marks = Vec::new();
        let ends = starts.iter().skip(1).copied().chain([text.len()]);
        for (start, end) in starts.iter().copied().zip(ends) {
            let (mut at, mut chars) = (start, 0);
            while end - at > MARK_EVERY {
                let mut next = at + MARK_EVERY;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                marks.push((next, chars));
                at = next;
            }
        }
        LineIndex { starts, marks }
    }

    /// Number of lines (a trailing newline does not open a new line).
    pub fn line_count(&self, text: &str) -> usize {
        if text.ends_with('\n') {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// 1-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line - 1]
    }

    /// Bytes of 1-based `line` of `text`, without its newline.
    pub fn line_span(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        start..end
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let line_start = self.starts[line - 1];
        let (from, chars) = match self.marks.partition_point(|&(at, _)| at <= offset) {
            0 => (line_start, 0),
            i if self.marks[i - 1].0 <= line_start => (line_start, 0),
            i => self.marks[i - 1],
        };
        let column = chars + text[from..offset].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A string built from pieces of a source text, with a map back to it.
///
/// The map is a sorted list of anchors. A *copy* anchor says that the bytes
/// from its offset on correspond byte for byte to the source from its source
/// offset; a *replacement* anchor (a curly quote written as `'`, a folded run
/// of spaces) says that all its bytes stand for one source position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    anchors: Vec<Anchor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    out: u32,
    src: u32,
    copy: bool,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `piece`, a verbatim copy of the source at `src_start`.
    pub fn push_copy(&mut self, piece: &str, src_start: usize) {
        if piece.is_empty() {
            return;
        }
        let out = self.text.len();
        let continues = self
            .anchors
            .last()
            .is_some_and(|a| a.copy && a.src as usize + (out - a.out as usize) == src_start);
        if !continues {
            self.anchors.push(Anchor {
                out: out as u32,
                src: src_start as u32,
                copy: true,
            });
        }
        self.text.push_str(piece);
    }

    /// Appends `piece`, which stands for the source text at `src_start`.
    pub fn push_replacement(&mut self, piece: &str, src_start: usize) {
        if piece.is_empty() {
            return;
        }
        let out = self.text.len() as u32;
        self.anchors.push(Anchor {
            out,
            src: src_start as u32,
            copy: false,
        });
        self.text.push_str(piece);
    }

    /// Source offset of byte `offset` of this text.
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.out as usize <= offset);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some(a) if a.copy => a.src as usize + (offset - a.out as usize),
            Some(a) => a.src as usize,
            None => self.anchors.first().map_or(0, |a| a.src as usize),
        }
    }

    /// Source range spanned by a range of this text (first to last byte).
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_offset(range.start);
        let end = if range.end > range.start {
            let last = self.source_offset(range.end - 1);
            // extend to the end of the source character at `last`
            last + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// Appends another mapped text (from the same source), separated by one
    /// space that stands for `gap_src`.
    pub fn push_mapped(&mut self, other: &MappedText, gap_src: usize) {
        if other.is_empty() {
            return;
        }
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.push_replacement(" ", gap_src);
        }
        let shift = self.text.len() as u32;
        self.anchors.extend(other.anchors.iter().map(|a| Anchor {
            out: a.out + shift,
            ..*a
        }));
        self.text.push_str(&other.text);
    }

    /// Drops the first `n` bytes (which must end on a char boundary).
    pub fn drop_prefix(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let src = self.source_offset(n);
        let keep = self.anchors.partition_point(|a| (a.out as usize) <= n);
        let governing = keep.checked_sub(1).map(|i| self.anchors[i]);
        let mut anchors = Vec::with_capacity(self.anchors.len() - keep + 1);
        if let Some(a) = governing {
            anchors.push(Anchor {
                out: 0,
                src: src as u32,
                copy: a.copy,
            });
        }
        anchors.extend(self.anchors[keep..].iter().map(|a| Anchor {
            out: a.out - n as u32,
            ..*a
        }));
        self.anchors = anchors;
        self.text.drain(..n);
    }

    /// Removes trailing whitespace, keeping the map valid.
    pub fn trim_end(&mut self) {
        let new_len = self.text.trim_end().len();
        self.text.truncate(new_len);
        while self
            .anchors
            .last()
            .is_some_and(|a| a.out as usize >= new_len)
            && self.anchors.len() > 1
        {
            self.anchors.pop();
        }
    }
}

/// True for Unicode superscript digits used as footnote markers.
pub fn is_superscript_digit(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '⁰' | '⁴'..='⁹')
}

/// Appends the normalised form of `src[range]` to `out`.
///
/// `at_paragraph_start` is true when `out` holds nothing yet for this
/// paragraph, so leading whitespace is dropped.
pub fn normalise_into(out: &mut MappedText, src: &str, range: Range<usize>) {
    let s = &src[range.clone()];
    let base = range.start;
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    // Flush the verbatim run [run_start, i).
    macro_rules! flush {
        () => {
            if run_start < i {
                out.push_copy(&s[run_start..i], base + run_start);
            }
        };
    }
    while i < bytes.len() {
        i += copied_blocks(bytes, i, run_start);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if copied_as_is(bytes, i, run_start) {
            i += 1;
            continue;
        }
        match b {
            // A single space between words stays as it is (no map anchor).
            b' ' if i > 0
                && !out_ends_with_space(out, run_start, i, bytes)
                && bytes
                    .get(i + 1)
                    .is_some_and(|n| !matches!(n, b' ' | b'\t' | b'\n' | b'\x0c' | b'\x0b')) =>
            {
                i += 1;
            }
            b' ' | b'\t' | b'\x0c' | b'\x0b' => {
                flush!();
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0c' | b'\x0b') {
                    j += 1;
                }
                push_space(out, base + i);
                i = j;
                run_start = i;
            }
            b'\n' => {
                flush!();
                push_space(out, base + i);
                i += 1;
                run_start = i;
            }
            b'*' | b'_' => {
                // Markdown emphasis: a run of `*` (or `__`) that touches a word
                // on one side only, or a `**` pair inside a phrase.
                let mut j = i;
                while j < bytes.len() && bytes[j] == b {
                    j += 1;
                }
                let run = j - i;
                let prev = s[..i].chars().next_back();
                let next = s[j..].chars().next();
                let is_emphasis = if b == b'*' {
                    emphasis_delimiter(prev, next) || run >= 2
                } else {
                    run >= 2 && emphasis_delimiter(prev, next)
                };
                if is_emphasis {
                    flush!();
                    i = j;
                    run_start = i;
                } else {
                    i = j;
                }
            }
            b'^' if s[i..].starts_with("^{") => {
                // `^{*}` / `^{1}` footnote markers.
                if let Some(close) = s[i..].find('}') {
                    flush!();
                    i += close + 1;
                    run_start = i;
                } else {
                    i += 1;
                }
            }
            b'\\' if i + 1 < bytes.len() && bytes[i + 1].is_ascii_punctuation() => {
                // Markdown escape: keep the escaped character.
                flush!();
                i += 1;
                run_start = i;
                i += 1;
            }
            b'[' => {
                if let Some((text_end, link_end)) = markdown_link(&s[i..]) {
                    // Keep the link text, drop the target.
                    flush!();
                    normalise_into(out, src, base + i + 1..base + i + text_end);
                    i += link_end;
                    run_start = i;
                } else {
                    i += 1;
                }
            }
            b'<' => {
                if let Some(len) = html_tag_or_autolink(&s[i..]) {
                    flush!();
                    i += len;
                    run_start = i;
                } else {
                    i += 1;
                }
            }
            b'h' if bytes.get(i + 1) == Some(&b't')
                && (s[i..].starts_with("http://") || s[i..].starts_with("https://")) =>
            {
                // Bare URLs carry words ("…/child-exploitation-guide") that are
                // not the document's prose.
                let is_word_start = i == 0
                    || !s[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric());
                if is_word_start {
                    flush!();
                    let len = s[i..]
                        .find(|c: char| c.is_whitespace() || c == ')' || c == ']' || c == '>')
                        .unwrap_or(s.len() - i);
                    i += len;
                    run_start = i;
                } else {
                    i += 1;
                }
            }
            0x80.. => {
                let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
                let len = c.len_utf8();
                if let Some(rep) = replacement(c) {
                    flush!();
                    match rep {
                        Rep::Drop => {}
                        Rep::Space => push_space(out, base + i),
                        Rep::Text(t) => out.push_replacement(t, base + i),
                    }
                    i += len;
                    run_start = i;
                } else {
                    i += len;
                }
            }
            _ => i += 1,
        }
    }
    flush!();
}

/// Whether [`normalise_into`] copies the byte at `i` as it is, in a run of
/// copied bytes that started at `run_start`: an ordinary byte; a space
/// after a copied non-space (the commonest special byte by far; should more
/// white space follow, its own turn collapses the run); an `h` that does
/// not open `ht` (a web address).
fn copied_as_is(bytes: &[u8], i: usize, run_start: usize) -> bool {
    let b = bytes[i];
    !SPECIAL[b as usize]
        || (b == b' ' && run_start < i && bytes[i - 1] != b' ')
        || (b == b'h' && bytes.get(i + 1) != Some(&b't'))
}

/// How many bytes from `from` on [`copied_as_is`] would pass, found eight at a
/// time and stopping at the first byte of a block that may need more (a few
/// bytes it flags need nothing: `]`, and an `h` at the end of a block).
/// Testing byte by byte, the branch on each space and `h`, which come every
/// few bytes at no predictable interval, was mispredicted often enough to
/// make normalising a fifth of reading a document.
fn copied_blocks(bytes: &[u8], from: usize, run_start: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte: set where that byte of `x` is zero (no
    // carry crosses bytes, so no byte is flagged for its neighbour).
    let zero = |x: u64| !(((x & !HIGH) + !HIGH) | x) & HIGH;
    let equal = |v: u64, c: u8| zero(v ^ (ONES * u64::from(c)));
    let mut i = from;
    while let Some(block) = bytes.get(i..i + 8) {
        let v = u64::from_le_bytes(block.try_into().unwrap_or([0; 8]));
        // Bytes from `low` to `high`, for bytes below 0x80 (the others are
        // flagged anyway): adding lifts a byte's high bit at the bound.
        let seven = v & !HIGH;
        let within = |low: u8, high: u8| {
            (seven + ONES * u64::from(0x80 - low)) & !(seven + ONES * u64::from(0x7f - high)) & HIGH
        };
        let spaces = equal(v, b' ');
        let space_before = if i > 0 && bytes[i - 1] == b' ' {
            0x80
        } else {
            0
        };
        let opening_space = if i == run_start { spaces & 0x80 } else { 0 };
        let t_after = (equal(v, b't') >> 8) | (0x80 << 56);
        let flagged = (v & HIGH)
            | within(b'\t', b'\x0c')
            | within(b'[', b'_')
            | equal(v, b'*')
            | equal(v, b'<')
            | (spaces & ((spaces << 8) | space_before))
            | opening_space
            | (equal(v, b'h') & t_after);
        if flagged != 0 {
            return i - from + (flagged.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i - from
}

/// Bytes that may need rewriting; all others are copied as they are.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let specials = b" \t\n\x0b\x0c*_^\\[<h";
    let mut k = 0;
    while k < specials.len() {
        t[specials[k] as usize] = true;
        k += 1;
    }
    let mut b = 0x80;
    while b < 256 {
        t[b] = true;
        b += 1;
    }
    t
};

/// Whether the normalised text so far ends with a space: the pending copy
/// run `[run_start, i)` if it is not empty, else what `out` holds.
fn out_ends_with_space(out: &MappedText, run_start: usize, i: usize, bytes: &[u8]) -> bool {
    if run_start < i {
        bytes[i - 1] == b' '
    } else {
        out.text.is_empty() || out.text.ends_with(' ')
    }
}

fn push_space(out: &mut MappedText, src: usize) {
    if !out.text.is_empty() && !out.text.ends_with(' ') {
        out.push_replacement(" ", src);
    }
}

enum Rep {
    Drop,
    Space,
    Text(&'static str),
}

fn replacement(c: char) -> Option<Rep> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' => {
            Rep::Text("'")
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Rep::Text("\""),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => Rep::Text("-"),
        '\u{2026}' => Rep::Text("..."),
        '\u{FB00}' => Rep::Text("ff"),
        '\u{FB01}' => Rep::Text("fi"),
        '\u{FB02}' => Rep::Text("fl"),
        '\u{FB03}' => Rep::Text("ffi"),
        '\u{FB04}' => Rep::Text("ffl"),
        // Every other kind of white space (no-break, em, ideographic, line
        // and paragraph separators): matching relies on none being left.
        c if c.is_whitespace() => Rep::Space,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => Rep::Drop,
        c if is_superscript_digit(c) => Rep::Drop,
        _ => return None,
    })
}

/// `*` delimits emphasis when exactly one side is a word character.
fn emphasis_delimiter(prev: Option<char>, next: Option<char>) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '\'' || c == '"');
    word(prev) != word(next) || (word(prev) && word(next))
}

/// For `[text](target)` at the start of `s`, the offset of `]` and the length
/// of the whole link.
fn markdown_link(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'\n' => return None,
            _ => {}
        }
        i += 1;
    }
    if i >= bytes.len() || bytes.get(i + 1) != Some(&b'(') {
        return None;
    }
    let text_end = i;
    let close = s[i + 2..].find(')')?;
    let target = &s[i + 2..i + 2 + close];
    if target.contains(char::is_whitespace) {
        return None;
    }
    Some((text_end, i + 2 + close + 1))
}

/// Length of an HTML tag (`<i>`, `</sup>`, `<br/>`) or autolink (`<https://…>`)
/// at the start of `s`.
fn html_tag_or_autolink(s: &str) -> Option<usize> {
    let close = s.find('>')?;
    let inner = &s[1..close];
    if inner.starts_with("http://") || inner.starts_with("https://") || inner.starts_with("mailto:")
    {
        return (!inner.contains(char::is_whitespace)).then_some(close + 1);
    }
    let name = inner.trim_start_matches('/').trim_end_matches('/').trim();
    let name = name.split_whitespace().next().unwrap_or("");
    const TAGS: &[&str] = &[
        "i", "b", "u", "em", "strong", "sup", "sub", "span", "br", "p", "small", "mark", "s",
    ];
    TAGS.iter()
        .any(|t| t.eq_ignore_ascii_case(name))
        .then_some(close + 1)
}

/// The whitespace-separated words of `text`, counted no further than
/// `limit`: what `text.split_whitespace().take(limit).count()` gives,
/// reading ASCII bytes as they are rather than decoding each character.
/// Paragraphs are measured this way as they are sorted into kinds (a short
/// line, a long recommendation), and the splitting iterator cost more than
/// a tenth of reading and laying out a document.
pub fn words_up_to(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    if text.is_ascii() {
        // Most paragraphs, once normalised. A word starts at each byte that
        // is not white space after one that is, counted without a branch
        // on either (word lengths vary too much for branches to be
        // predicted), stopping at the first block that reaches the limit.
        let mut words = 0;
        let mut after_space = true;
        for block in bytes.chunks(64) {
            for &b in block {
                let space = b == b' ' || (b'\t'..=b'\r').contains(&b);
                words += usize::from(after_space && !space);
                after_space = space;
            }
            if words >= limit {
                break;
            }
        }
        return words.min(limit);
    }
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() && words < limit {
        let (space, len) = match bytes[i] {
            // The ASCII characters `char::is_whitespace` accepts.
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => (true, 1),
            0..=0x7f => (false, 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if space {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
        }
        i += len;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_up_to_counts_as_split_whitespace_does() {
        // The first eleven are ASCII; the rest include Unicode spaces.
        let pieces = [
            " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1f", "a", "Z", "7", "-", "\u{e9}",
            "\u{2013}", "\u{a0}", "\u{2003}", "\u{3000}", "\u{85}",
        ];
        // All ASCII (counted another way), then any.
        let ascii = crate::test_texts::texts(&pieces[..11], 0x9e37_79b9_7f4a_7c15, 2000, 29);
        let any = crate::test_texts::texts(&pieces, 0x2f6b_3c1d_8e5a_4b97, 2000, 29);
        let mut words_seen = 0;
        for (round, text) in ascii.chain(any).enumerate() {
            words_seen += text.split_whitespace().count();
            let limit = round % 12;
            let expected = text.split_whitespace().take(limit).count();
            assert_eq!(words_up_to(&text, limit), expected, "{text:?} {limit}");
            let all = text.split_whitespace().count();
            assert_eq!(words_up_to(&text, usize::MAX), all, "{text:?}");
        }
        assert!(words_seen > 10_000);
    }

    fn norm(s: &str) -> MappedText {
        let mut m = MappedText::new();
        normalise_into(&mut m, s, 0..s.len());
        m.trim_end();
        m
    }

    #[test]
    fn copied_blocks_pass_only_bytes_copied_as_they_are() {
        let pieces = [
            "the ",
            "cat",
            "  ",
            " ",
            "h",
            "t",
            "ht",
            "http://a.b ",
            "\t",
            "\n",
            "\x0b",
            "\x0c",
            "\r",
            "*",
            "_",
            "^",
            "\\",
            "[",
            "]",
            "<",
            ">",
            "\u{e9}",
            "\u{201c}",
            "z",
            "~",
        ];
        let mut skipped = 0;
        for text in crate::test_texts::texts(&pieces, 0x5851_f42d_4c95_7f2d, 2000, 23) {
            let bytes = text.as_bytes();
            for i in 0..bytes.len() {
                for run_start in [0, i / 2, i] {
                    let n = copied_blocks(bytes, i, run_start);
                    assert!(i + n <= bytes.len());
                    for j in i..i + n {
                        assert!(
                            copied_as_is(bytes, j, run_start),
                            "{text:?} {i} {run_start} {j}"
                        );
                    }
                    skipped += n;
                }
            }
        }
        assert!(skipped > 100_000, "{skipped}");
        // Plain prose goes by in blocks.
        let prose = "the review found that agencies did not share information ".repeat(4);
        assert!(copied_blocks(prose.as_bytes(), 1, 0) >= 16);
    }

    #[test]
    fn line_index_positions() {
        let t = "ab\n“cd”\nxyz";
        let li = LineIndex::new(t);
        assert_eq!(li.position(t, 0), Position { line: 1, column: 1 });
        let c = t.find('c').unwrap();
        assert_eq!(li.position(t, c), Position { line: 2, column: 2 });
        assert_eq!(
            li.position(t, t.find('z').unwrap()),
            Position { line: 3, column: 3 }
        );
        assert_eq!(li.line_count(t), 3);
    }

    #[test]
    fn line_spans_are_the_lines_without_their_newlines() {
        for t in ["", "a", "a\n", "\n\n", "ab\r\ncd\n\nef", "“x”\ny"] {
            let li = LineIndex::new(t);
            let lines: Vec<&str> = t.split('\n').collect();
            for (k, line) in lines.iter().enumerate() {
                assert_eq!(&t[li.line_span(t, k + 1)], *line, "{t:?} line {}", k + 1);
            }
        }
    }

    #[test]
    fn columns_in_long_lines_count_characters_from_the_line_start() {
        // Lines of several marks' length, with multi-byte characters straddling
        // the mark positions, between short lines.
        let long = "naïve “quoted” words ".repeat(3 * MARK_EVERY / 10);
        let t = format!("short\n{long}\n{long}{long}\nend");
        let li = LineIndex::new(&t);
        assert!(li.marks.len() > 6, "{} marks", li.marks.len());
        for offset in (0..t.len()).step_by(997).chain([t.len() - 1, t.len()]) {
            let offset = floor_char_boundary(&t, offset);
            let line_start = t[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = Position {
                line: t[..offset].matches('\n').count() + 1,
                column: t[line_start..offset].chars().count() + 1,
            };
            assert_eq!(li.position(&t, offset), expected, "offset {offset}");
        }
    }
    #[test]
    fn quotes_dashes_and_markers() {
        let s = "Joe’s “voice” – the NRM¹³ and ‘hard to engage’";
        let m = norm(s);
        assert_eq!(m.as_str(), "Joe's \"voice\" - the NRM and 'hard to engage'");
        // every byte maps back to the same character in the source
        let h = m.as_str().find("hard").unwrap();
        assert_eq!(&s[m.source_offset(h)..m.source_offset(h) + 4], "hard");
        let n = m.as_str().find("NRM").unwrap();
        assert_eq!(&s[m.source_offset(n)..m.source_offset(n) + 3], "NRM");
        let v = m.as_str().find("voice").unwrap();
        assert_eq!(&s[m.source_offset(v)..m.source_offset(v) + 5], "voice");
    }

    #[test]
    fn markdown_emphasis_links_and_tags() {
        let m = norm("knowledge **was** well known; *Working Together* <i>Figure</i>");
        assert_eq!(
            m.as_str(),
            "knowledge was well known; Working Together Figure"
        );
        let m = norm("see [Evidence Store \\(whatworks-csc.org.uk\\)](https://x.org/a) now");
        assert_eq!(m.as_str(), "see Evidence Store (whatworks-csc.org.uk) now");
        let m = norm("Children ^{*} were excluded <https://www.gov.uk/x> here");
        assert_eq!(m.as_str(), "Children were excluded here");
        let m = norm("***bold italic*** and 2 * 3 and snake_case");
        assert_eq!(m.as_str(), "bold italic and 2 * 3 and snake_case");
    }

    #[test]
    fn whitespace_is_folded_and_mapped() {
        let s = "a\t\tb   c\nd";
        let m = norm(s);
        assert_eq!(m.as_str(), "a b c d");
        let d = m.as_str().find('d').unwrap();
        assert_eq!(m.source_offset(d), s.find('d').unwrap());
        let c = m.as_str().find('c').unwrap();
        assert_eq!(m.source_offset(c), s.find('c').unwrap());
    }

    /// The patterns' fast forms leave out white space other than ASCII (see
    /// `rules::compile::fast_form_of`): normalised text has none. (Decoding
    /// has made every carriage return a line end.)
    #[test]
    fn every_kind_of_white_space_becomes_a_space() {
        let spaces: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| c.is_whitespace() && c != '\r')
            .collect();
        assert!(spaces.len() > 20, "{spaces:?}");
        for c in spaces {
            let s = format!("a{c}b {c}c{c}{c} d");
            let m = norm(&s);
            assert_eq!(m.as_str(), "a b c d", "U+{:04X}", u32::from(c));
            assert_eq!(m.source_offset(2), s.find('b').unwrap());
        }
    }

    #[test]
    fn source_range_covers_match() {
        let s = "the **was being** exploited";
        let m = norm(s);
        let r = m.as_str().find("was being exploited").unwrap();
        let src = m.source_range(r..r + "was being exploited".len());
        assert_eq!(&s[src], "was being** exploited");
    }
}
