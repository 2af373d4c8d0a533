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
/// over the bytes, eight at a time while they are ASCII (all but a few per
/// hundred in these documents), decoding only non-ASCII characters.
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
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            if word & repeated(0x80) == 0 {
                let (opened, still_open) = words_opened(word, counted);
                count += opened;
                counted = !still_open;
                i += 8;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
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

/// `byte` in every byte of a word.
const fn repeated(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// For eight ASCII bytes (little-endian in `word`): how many words they
/// open, and whether a word is still waiting for its letter or digit after
/// them, given whether one was before them (`!counted`).
fn words_opened(word: u64, counted: bool) -> (usize, bool) {
    // The high bit of each byte in the range; no byte is over 0x7f, so no
    // sum carries into the next byte.
    let in_range = |x: u64, low: u8, high: u8| {
        let at_least_low = x.wrapping_add(repeated(0x80 - low));
        let above_high = x.wrapping_add(repeated(0x7f - high));
        at_least_low & !above_high & repeated(0x80)
    };
    // The high bits gathered into one bit per byte, byte 0 lowest.
    let mask = |high_bits: u64| ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u16;
    let space = mask(in_range(word, b'\t', b'\r') | in_range(word, b' ', b' '));
    let alphanumeric =
        mask(in_range(word, b'0', b'9') | in_range(word | repeated(0x20), b'a', b'z'));
    let neither = !(space | alphanumeric) & 0xff;
    // A bit after each space (and at the start when a word is waiting) is
    // carried along by the addition through the bytes that are neither, to
    // land on the next space or letter or digit: landing on a letter or
    // digit opens a word; carried out of the top, a word is still waiting.
    let waiting = (space << 1) | u16::from(!counted);
    let landed = waiting + neither;
    (
        (landed & alphanumeric).count_ones() as usize,
        landed & 0x100 != 0,
    )
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
        // Longer texts, eight bytes at a time: every mix of spaces, letters,
        // digits, punctuation and non-ASCII characters, at every alignment.
        let pieces = [
            " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1f", "a", "Z", "7", "-", "(", "'", "@", "[",
            "`", "{", "/", ":", "\u{e9}", "\u{2013}", "\u{a0}",
        ];
        let mut words_seen = 0;
        for text in crate::test_texts::texts(&pieces, 0x2545_f491_4f6c_dd1d, 3000, 39) {
            words_seen += reference(&text);
            assert_eq!(word_count(&text), reference(&text), "{text:?}");
        }
        assert!(words_seen > 3000);
    }
}
