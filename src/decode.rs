//! Turning the bytes of a file into text.
//!
//! Owns encoding detection (UTF-8 with or without BOM, UTF-16 with a BOM or
//! recognisably without one, Windows-1252 as the fallback for bytes that are
//! not UTF-8), the refusal of binary files, and line-ending normalisation.
//! Positions are reported against the decoded text, whose line numbers and
//! character columns are those of the file as an editor shows it: only `\r`
//! before `\n` (or a lone `\r`, treated as a line break) is changed.

use std::fmt;

/// The encoding a file was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (bom)",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// Decoded text plus what the decoder had to guess or repair.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Human-readable notes for the user (the caller adds the file name).
    pub warnings: Vec<String>,
}

/// Why a file's bytes could not be taken as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes look like a binary format (NUL bytes outside UTF-16).
    Binary { what: &'static str },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Binary { what } => write!(
                f,
                "looks like a binary file ({what}), not text; revlens reads text, Markdown, PDF and Word .docx files"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `bytes` into LF-normalised text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_owned(), Encoding::Utf8Bom),
            Err(_) => {
                warnings.push(
                    "has a UTF-8 byte-order mark but invalid UTF-8; decoded as Windows-1252"
                        .to_owned(),
                );
                (decode_1252(rest), Encoding::Windows1252)
            }
        }
    } else if bytes.starts_with(b"\xFF\xFE") {
        (
            decode_utf16(bytes, encoding_rs::UTF_16LE, &mut warnings),
            Encoding::Utf16Le,
        )
    } else if bytes.starts_with(b"\xFE\xFF") {
        (
            decode_utf16(bytes, encoding_rs::UTF_16BE, &mut warnings),
            Encoding::Utf16Be,
        )
    } else if let Some(utf16) = sniff_bomless_utf16(bytes) {
        warnings.push(format!(
            "has no byte-order mark but looks like {}; decoded as such",
            utf16.name()
        ));
        let codec = if utf16 == Encoding::Utf16Le {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        (decode_utf16(bytes, codec, &mut warnings), utf16)
    } else {
        if let Some(what) = sniff_binary(bytes) {
            return Err(DecodeError::Binary { what });
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_owned(), Encoding::Utf8),
            Err(e) => {
                let (line, _) = line_of_byte(bytes, e.valid_up_to());
                warnings.push(format!(
                    "is not valid UTF-8 (first bad byte on line {line}); decoded as Windows-1252"
                ));
                (decode_1252(bytes), Encoding::Windows1252)
            }
        }
    };
    if text.contains('\0') {
        return Err(DecodeError::Binary {
            what: "NUL characters in the decoded text",
        });
    }
    Ok(Decoded {
        text: normalise_line_endings(text),
        encoding,
        warnings,
    })
}

fn decode_1252(bytes: &[u8]) -> String {
    // Windows-1252 maps every byte, so this never fails.
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text.into_owned()
}

fn decode_utf16(
    bytes: &[u8],
    codec: &'static encoding_rs::Encoding,
    warnings: &mut Vec<String>,
) -> String {
    // `decode` strips a matching BOM itself.
    let (text, _, had_errors) = codec.decode(bytes);
    if had_errors {
        warnings.push(format!(
            "contains malformed {} sequences; they were replaced with U+FFFD",
            codec.name()
        ));
    }
    text.into_owned()
}

/// UTF-16 without a BOM: text in Latin script has a NUL in every other byte.
fn sniff_bomless_utf16(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    // Most code units of English text are < 0x100; demand a clear majority on
    // one side and almost none on the other.
    if zero_odd * 10 >= pairs * 7 && zero_even * 20 <= pairs {
        Some(Encoding::Utf16Le)
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 20 <= pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Binary formats announce themselves by magic numbers or NUL bytes early on.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a zip archive, e.g. .docx"),
        (b"\xD0\xCF\x11\xE0", "an old Office document, e.g. .doc"),
        (b"{\\rtf", "an RTF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7FELF", "an executable"),
        (b"\x1F\x8B", "a gzip archive"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(what);
        }
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Some("NUL bytes");
    }
    None
}

/// Converts CRLF and lone CR to LF. Line numbers and columns are unchanged:
/// CR only ever sat at the end of a line.
fn normalise_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn line_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    (line, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_passes_through() {
        let d = decode("Child’s voice\n".as_bytes()).unwrap();
        assert_eq!(d.text, "Child’s voice\n");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFIntroduction\r\nText\r\n").unwrap();
        assert_eq!(d.text, "Introduction\nText\n");
        assert_eq!(d.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn lone_cr_becomes_lf() {
        let d = decode(b"a\rb\r\nc").unwrap();
        assert_eq!(d.text, "a\nb\nc");
    }

    #[test]
    fn invalid_utf8_falls_back_to_1252_with_warning() {
        let d = decode(b"line one\nthe child\x92s voice\n").unwrap();
        assert_eq!(d.text, "line one\nthe child\u{2019}s voice\n");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.warnings[0].contains("line 2"), "{:?}", d.warnings);
    }

    #[test]
    fn utf16_with_bom_both_orders() {
        let text = "Recommendation 1\r\nLSCP should…\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        for (bytes, enc) in [(le, Encoding::Utf16Le), (be, Encoding::Utf16Be)] {
            let d = decode(&bytes).unwrap();
            assert_eq!(d.text, "Recommendation 1\nLSCP should…\n");
            assert_eq!(d.encoding, enc);
            assert!(d.warnings.is_empty());
        }
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let mut le = Vec::new();
        for unit in "Introduction\nThe review was commissioned.\n".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&le).unwrap();
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert!(d.text.starts_with("Introduction\n"));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(
            decode(b"%PDF-1.7\n..."),
            Err(DecodeError::Binary { .. })
        ));
        assert!(matches!(
            decode(b"abc\0\x01\x02def"),
            Err(DecodeError::Binary { .. })
        ));
    }

    #[test]
    fn empty_is_fine() {
        let d = decode(b"").unwrap();
        assert_eq!(d.text, "");
    }
}
