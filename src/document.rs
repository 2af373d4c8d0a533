//! Reading one document.
//!
//! Owns turning an [`Input`] into a [`Document`]: reading the bytes (read-only,
//! within a size limit), decoding them (or converting a PDF or Word document
//! with [`formats`]), and keeping the line index that maps byte offsets back
//! to the line and column of the file on disk, or for a converted document
//! to its page or paragraph ([`Document::locate`]). Then
//! [`Document::parse`] lays the text out and finds its sections, giving a
//! [`Parsed`] document that rules and extraction work on.

use std::fmt;
use std::io::Read;

use crate::corpus::{Input, Source, describe_io};
use crate::decode::{self, Encoding};
use crate::formats::{self, Format, SourceMap, Unit};
use crate::layout::{self, Flavour, Layout};
use crate::model::SectionReport;
use crate::sections::{self, Outline};
use crate::text::{LineIndex, Position};

/// Limits that keep one odd document from starving a run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this many bytes are not analysed.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Why a document could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError(pub String);

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocError {}

/// A decoded document.
#[derive(Debug)]
pub struct Document {
    /// The path as given or found.
    pub path: String,
    pub flavour: Flavour,
    /// The text, with line endings normalised to `\n`.
    pub text: String,
    pub lines: LineIndex,
    /// For a converted document, the encoding of the converted text.
    pub encoding: Encoding,
    /// Notes about decoding, without the path.
    pub warnings: Vec<String>,
    /// What the file was: text (or Markdown), PDF or Word.
    pub format: Format,
    /// For PDF and Word documents, the page or paragraph of each stretch of
    /// the converted text.
    pub source_map: Option<SourceMap>,
}

/// Where a byte offset of a document's text is, for reporting.
///
/// `line` and `column` are 1-based and count in the text revlens analysed:
/// the file itself for text, the converted text (`revlens extract`) for PDF
/// and Word. For those, `page` (PDF, 1 = first page) or `paragraph` (Word,
/// counting non-empty paragraphs) says where it is in the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub page: Option<usize>,
    pub paragraph: Option<usize>,
}

impl Document {
    /// Reads and decodes (or converts) an input.
    pub fn read(input: &Input, limits: Limits) -> Result<Document, DocError> {
        let bytes = read_bytes(input, limits)?;
        Document::from_file_bytes(&input.display, &bytes)
    }

    /// Takes the bytes of a file of any kind revlens reads: PDF and Word
    /// documents (recognised by their first bytes, or their extension) are
    /// converted, anything else is decoded as text or Markdown.
    pub fn from_file_bytes(path: &str, bytes: &[u8]) -> Result<Document, DocError> {
        let format = Format::detect(path, bytes).map_err(|e| DocError(e.to_string()))?;
        if format == Format::Text {
            return Document::from_bytes(path, bytes, flavour_of(path));
        }
        let converted = formats::convert(format, bytes).map_err(|e| DocError(e.to_string()))?;
        let mut doc = Document::from_text(
            path,
            converted.text,
            converted.flavour,
            Encoding::Utf8,
            converted.warnings,
        );
        doc.format = format;
        doc.source_map = Some(converted.map);
        Ok(doc)
    }

    /// Decodes bytes already in memory.
    pub fn from_bytes(path: &str, bytes: &[u8], flavour: Flavour) -> Result<Document, DocError> {
        let decoded = decode::decode(bytes).map_err(|e| DocError(e.to_string()))?;
        Ok(Document::from_text(
            path,
            decoded.text,
            flavour,
            decoded.encoding,
            decoded.warnings,
        ))
    }

    pub fn from_text(
        path: &str,
        text: String,
        flavour: Flavour,
        encoding: Encoding,
        warnings: Vec<String>,
    ) -> Document {
        let lines = LineIndex::new(&text);
        Document {
            path: path.to_owned(),
            flavour,
            text,
            lines,
            encoding,
            warnings,
            format: Format::Text,
            source_map: None,
        }
    }

    /// Line and column of a byte offset of the text.
    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// Where a byte offset of the text is: line and column, plus the page
    /// or paragraph of the original for a PDF or Word document.
    pub fn locate(&self, offset: usize) -> Location {
        let Position { line, column } = self.position(offset);
        let unit = self.source_map.as_ref().and_then(|m| {
            m.at_offset(offset.min(self.text.len()))
                .map(|n| (m.unit, n))
        });
        Location {
            line,
            column,
            page: unit.and_then(|(u, n)| (u == Unit::Page).then_some(n)),
            paragraph: unit.and_then(|(u, n)| (u == Unit::Paragraph).then_some(n)),
        }
    }

    /// [`Document::locate`] for the start of a 1-based line.
    pub fn locate_line(&self, line: usize) -> Location {
        let last = self.lines.line_count(&self.text).max(1);
        self.locate(self.lines.line_start(line.clamp(1, last)))
    }

    /// Number of words: runs of non-space characters holding a letter or digit.
    pub fn word_count(&self) -> usize {
        word_count(&self.text)
    }

    /// Lays out the text and finds its sections.
    pub fn parse(self) -> Parsed {
        let mut layout = layout::layout(&self.text, self.flavour);
        let outline = sections::outline(&mut layout, self.flavour);
        Parsed {
            doc: self,
            layout,
            outline,
        }
    }
}

/// A document with its paragraphs and sections.
#[derive(Debug)]
pub struct Parsed {
    pub doc: Document,
    pub layout: Layout,
    pub outline: Outline,
}

impl Parsed {
    /// The headings as reported, each with its page or paragraph when the
    /// document was converted from PDF or Word.
    pub fn section_reports(&self) -> Vec<SectionReport> {
        self.outline
            .headings()
            .map(|s| {
                let at = self.doc.locate_line(s.line);
                SectionReport {
                    page: at.page,
                    paragraph: at.paragraph,
                    ..SectionReport::from_section(s)
                }
            })
            .collect()
    }
}

fn flavour_of(path: &str) -> Flavour {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Flavour::Markdown
    } else {
        Flavour::PlainText
    }
}

fn read_bytes(input: &Input, limits: Limits) -> Result<Vec<u8>, DocError> {
    let too_big = |size: u64| {
        DocError(format!(
            "is {} MiB, over the {} MiB limit; raise it with --max-file-size if this really is one review",
            size / (1024 * 1024),
            limits.max_bytes / (1024 * 1024)
        ))
    };
    match &input.source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(limits.max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| DocError(format!("standard input {}", describe_io(&e))))?;
            if bytes.len() as u64 > limits.max_bytes {
                return Err(too_big(bytes.len() as u64));
            }
            Ok(bytes)
        }
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| DocError(describe_io(&e)))?;
            let meta = file.metadata().map_err(|e| DocError(describe_io(&e)))?;
            if meta.is_dir() {
                return Err(DocError("is a folder, not a document".into()));
            }
            if meta.len() > limits.max_bytes {
                return Err(too_big(meta.len()));
            }
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.take(limits.max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| DocError(describe_io(&e)))?;
            if bytes.len() as u64 > limits.max_bytes {
                return Err(too_big(bytes.len() as u64));
            }
            Ok(bytes)
        }
    }
}

/// Words in `text`: runs of characters that are not white space
/// (`char::is_whitespace`) holding at least one letter or digit. One pass
/// over the bytes, classed 64 at a time up to the next non-ASCII character
/// (a few per hundred bytes in these documents), which alone is decoded.
///
/// The count goes up at the first letter or digit after white space (or
/// the start); other characters neither open nor close a word. `counted`
/// says whether the current run of non-space has had its letter or digit.
fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut counted = false;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(block) = bytes.get(i..i + BLOCK).and_then(ascii_classes) {
            let (opened, still_open) = words_opened(&block, counted);
            count += opened;
            counted = !still_open;
            i += block.ascii;
            if block.ascii == BLOCK {
                continue;
            }
        }
        // The first character not in a block: not ASCII, or in the last
        // bytes of the text.
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            counted = false;
        } else if c.is_alphanumeric() {
            count += usize::from(!counted);
            counted = true;
        }
    }
    count
}

/// Bytes classed at once: one bit of a `u64` each.
const BLOCK: usize = 64;

/// The classes of the ASCII bytes a block opens with.
struct Classes {
    /// How many bytes the block opens with before one that is not ASCII
    /// (1 to 64).
    ascii: usize,
    /// Bit `k` for byte `k` of those: white space.
    space: u64,
    /// Bit `k` for byte `k` of those: a letter or digit.
    alphanumeric: u64,
}

/// The classes of the ASCII bytes that open `block`, or `None` when it is
/// not 64 bytes long or its first byte is not ASCII. Each byte is classed
/// on its own into an array first, a loop the compiler turns into
/// comparisons of many bytes at once; the classes are then gathered eight
/// bytes at a time into the bits.
fn ascii_classes(block: &[u8]) -> Option<Classes> {
    let block: &[u8; BLOCK] = block.try_into().ok()?;
    let mut high = [0u8; BLOCK];
    let mut space = [0u8; BLOCK];
    let mut alphanumeric = [0u8; BLOCK];
    for (k, &b) in block.iter().enumerate() {
        let is_letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let is_digit = b.wrapping_sub(b'0') < 10;
        high[k] = b >> 7;
        space[k] = u8::from(b == b' ' || b.wrapping_sub(b'\t') <= b'\r' - b'\t');
        alphanumeric[k] = u8::from(is_letter || is_digit);
    }
    let ascii = gather(&high).trailing_zeros() as usize;
    let kept = u64::MAX.checked_shr(64 - ascii as u32).unwrap_or(0);
    (ascii > 0).then(|| Classes {
        ascii,
        space: gather(&space) & kept,
        alphanumeric: gather(&alphanumeric) & kept,
    })
}

/// One bit for each byte of `flags` (each 0 or 1), byte 0 lowest: the
/// multiplication moves the eight flags of a word into its top byte.
fn gather(flags: &[u8; BLOCK]) -> u64 {
    let mut bits = 0;
    for (j, eight) in flags.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        bits |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
    }
    bits
}

/// For the ASCII bytes of a block: how many words they open, and whether a
/// word is still waiting for its letter or digit after them, given whether
/// one was before them (`!counted`).
fn words_opened(block: &Classes, counted: bool) -> (usize, bool) {
    let Classes {
        space,
        alphanumeric,
        ..
    } = *block;
    let neither = !(space | alphanumeric);
    // A bit after each space (and at the start when a word is waiting) is
    // carried along by the addition through the bytes that are neither, to
    // land on the next space or letter or digit: landing on a letter or
    // digit opens a word. (The bytes past the ASCII ones count as neither:
    // whatever lands there is not counted.)
    let waiting = (space << 1) | u64::from(!counted);
    let landed = waiting.wrapping_add(neither) & !neither;
    // After them a word is waiting if the last space, letter or digit was a
    // space (or there was none and one was waiting before them).
    let classed = space | alphanumeric;
    let still_waiting = if classed == 0 {
        !counted
    } else {
        space >> (63 - classed.leading_zeros()) & 1 == 1
    };
    ((landed & alphanumeric).count_ones() as usize, still_waiting)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_is_tokens_with_a_letter_or_digit() {
        let reference = |t: &str| {
            t.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for text in [
            "",
            "one two  three",
            " - 4.1 (a) ",
            "caf\u{e9} na\u{ef}ve \u{2013} \u{201c}quoted\u{201d}",
            "no\u{a0}break\u{2003}em space",
            "tab\tvt\x0bff\x0ccr\r\nend",
            "\u{2014}\u{2014} \u{e9}",
        ] {
            assert_eq!(word_count(text), reference(text), "{text:?}");
        }
        // Longer texts, a block at a time: every mix of spaces, letters,
        // digits and punctuation (the bytes either side of each range the
        // blocks test for among them), at every alignment; then the same
        // with non-ASCII characters, rare enough that most blocks are still
        // all ASCII, and as common as the rest.
        let ascii = [
            " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x08", "\x0e", "\x1f", "!", "a", "z", "Z", "A",
            "7", "0", "9", "-", "(", "'", "@", "[", "`", "{", "/", ":", "ab", "  ",
        ];
        let rare: Vec<&str> = ascii
            .iter()
            .cycle()
            .take(40 * ascii.len())
            .copied()
            .chain(["\u{e9}", "\u{2013}", "\u{a0}"])
            .collect();
        let mut common = ascii.to_vec();
        common.extend(["\u{e9}", "\u{2013}", "\u{a0}", "\u{2003}"]);
        let mut words_seen = 0;
        let (mut whole_blocks, mut cut_blocks) = (0, 0);
        for pieces in [&ascii[..], &rare, &common] {
            for text in crate::test_texts::texts(pieces, 0x2545_f491_4f6c_dd1d, 1500, 400) {
                words_seen += reference(&text);
                if text.len() >= BLOCK {
                    // Whether the first block is all ASCII, or cut short by
                    // a character that is not.
                    let ascii = text.bytes().take_while(u8::is_ascii).count();
                    whole_blocks += usize::from(ascii >= BLOCK);
                    cut_blocks += usize::from((1..BLOCK).contains(&ascii));
                }
                assert_eq!(word_count(&text), reference(&text), "{text:?}");
            }
        }
        assert!(
            words_seen > 100_000 && whole_blocks > 1000 && cut_blocks > 1000,
            "{words_seen} {whole_blocks} {cut_blocks}"
        );
    }
}
