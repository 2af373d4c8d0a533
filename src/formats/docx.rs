//! Word `.docx` documents → text.
//!
//! Owns reading a WordprocessingML package (zip + XML, via the `zip` and
//! `quick-xml` crates): the main document in reading order, its styles (to
//! know which paragraphs are headings, and at what level), its numbering
//! definitions (to print list and heading numbers as Word shows them) and its
//! footnotes and endnotes. Deleted and moved-away revisions, hidden text,
//! field codes and the fallback copies of text boxes are left out. The text
//! is written as Markdown `#` headings when the document uses heading styles
//! and as plain paragraphs when it does not (then the layout's own heading
//! detection applies, as for a PDF conversion).

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{ConvertError, Converted, TextBuilder, Unit, superscript};
use crate::layout::Flavour;

/// Parts larger than this when unpacked are refused (a zip bomb guard).
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

const W_NS: &[&[u8]] = &[
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Converts a `.docx` file.
pub fn convert(bytes: &[u8]) -> Result<Converted, ConvertError> {
    super::guarded("Word", || convert_unguarded(bytes))
}

fn convert_unguarded(bytes: &[u8]) -> Result<Converted, ConvertError> {
    let mut package = Package::open(bytes)?;
    let main = package.main_part()?;
    let rels = package.relationships_of(&main)?;
    let styles = match rels.get("styles") {
        Some(p) => Styles::parse(&package.read(p)?.unwrap_or_default())?,
        None => Styles::default(),
    };
    let numbering = match rels.get("numbering") {
        Some(p) => Numbering::parse(&package.read(p)?.unwrap_or_default())?,
        None => Numbering::default(),
    };
    let mut notes = HashMap::new();
    for (kind, element) in [("footnotes", "footnote"), ("endnotes", "endnote")] {
        if let Some(p) = rels.get(kind) {
            let xml = package.read(p)?.unwrap_or_default();
            for (id, text) in read_notes(&xml, element)? {
                notes.insert((element == "endnote", id), text);
            }
        }
    }
    let xml = package.read(&main)?.ok_or_else(|| {
        ConvertError(format!(
            "is a damaged Word document: its part {main} is missing"
        ))
    })?;
    let mut reader = BodyReader::new(&xml);
    let blocks = reader.read_document()?;
    let note_refs = reader.note_refs;

    let mut render = Render::new(&styles, numbering, &blocks);
    render.blocks(&blocks);
    render.notes(&note_refs, &notes);
    let flavour = if render.markdown {
        Flavour::Markdown
    } else {
        Flavour::PlainText
    };
    let (text, map) = render.out.finish(Unit::Paragraph);
    let mut warnings = Vec::new();
    if text.trim().is_empty() {
        warnings.push("is a Word document with no text in it".to_owned());
    }
    Ok(Converted {
        text,
        flavour,
        map,
        warnings,
    })
}

// ---------------------------------------------------------------------------
// The package

struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ConvertError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            ConvertError(format!(
                "is a damaged Word document: it is not a readable zip archive ({e})"
            ))
        })?;
        Ok(Package { zip })
    }

    /// Reads a part; `None` when the package has no such part.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ConvertError> {
        let mut file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(ConvertError(format!(
                    "is a damaged Word document: its part {name} cannot be read ({e})"
                )));
            }
        };
        let mut out = Vec::new();
        (&mut file)
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                ConvertError(format!(
                    "is a damaged Word document: its part {name} cannot be unpacked ({e})"
                ))
            })?;
        if out.len() as u64 > MAX_PART_BYTES {
            return Err(ConvertError(format!(
                "is a Word document whose part {name} unpacks to more than {} MiB; not read",
                MAX_PART_BYTES / (1024 * 1024)
            )));
        }
        Ok(Some(out))
    }

    /// The main document part named by the package relationships.
    fn main_part(&mut self) -> Result<String, ConvertError> {
        if let Some(rels) = self.read("_rels/.rels")? {
            let main = parse_relationships(&rels, "")?
                .into_iter()
                .find(|(kind, _)| kind == "officeDocument")
                .map(|(_, target)| target);
            if let Some(main) = main {
                return Ok(main);
            }
        }
        if self.zip.by_name("word/document.xml").is_ok() {
            return Ok("word/document.xml".into());
        }
        Err(ConvertError(
            "is a zip archive but not a Word document (it has no main document part)".into(),
        ))
    }

    /// The parts the main part relates to, by the last word of their type.
    fn relationships_of(&mut self, part: &str) -> Result<HashMap<String, String>, ConvertError> {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(xml) = self.read(&rels_name)? else {
            // Without relationships, fall back on Word's usual names.
            let guess = |name: &str| {
                let path = if dir.is_empty() {
                    name.to_owned()
                } else {
                    format!("{dir}/{name}")
                };
                (name.trim_end_matches(".xml").to_owned(), path)
            };
            return Ok([
                "styles.xml",
                "numbering.xml",
                "footnotes.xml",
                "endnotes.xml",
            ]
            .into_iter()
            .map(guess)
            .collect());
        };
        Ok(parse_relationships(&xml, dir)?.into_iter().collect())
    }
}

/// `(type's last path segment, resolved target)` of every relationship.
fn parse_relationships(xml: &[u8], base_dir: &str) -> Result<Vec<(String, String)>, ConvertError> {
    let mut reader = NsReader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                if attr(&e, b"TargetMode").as_deref() == Some("External") {
                    continue;
                }
                let (Some(kind), Some(target)) = (attr(&e, b"Type"), attr(&e, b"Target")) else {
                    continue;
                };
                let kind = kind.rsplit('/').next().unwrap_or("").to_owned();
                out.push((kind, resolve_target(base_dir, &target)));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(xml_error("relationships", &e)),
        }
    }
    Ok(out)
}

/// Resolves a relationship target against the folder of its source part.
fn resolve_target(base_dir: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_owned();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn xml_error(part: &str, e: &quick_xml::Error) -> ConvertError {
    ConvertError(format!(
        "is a damaged Word document: its {part} XML cannot be parsed ({e})"
    ))
}

/// The value of an attribute, by local name (`w:val` → `val`).
fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Whether an on/off property (`<w:vanish/>`, `<w:vanish w:val="0"/>`) is on.
fn is_on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

// ---------------------------------------------------------------------------
// Styles

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadingKind {
    Title,
    Level(u8),
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<NumRef>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

impl Styles {
    fn parse(xml: &[u8]) -> Result<Self, ConvertError> {
        let mut reader = NsReader::from_reader(xml);
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        let mut num = NumRef::default();
        loop {
            let ev = reader.read_event().map_err(|e| xml_error("styles", &e))?;
            match &ev {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"style" => {
                        let paragraph = attr(e, b"type").is_none_or(|t| t == "paragraph");
                        if let (true, Some(id)) = (paragraph, attr(e, b"styleId")) {
                            if attr(e, b"default").is_some_and(|d| d == "1" || d == "true") {
                                styles.default_paragraph = Some(id.clone());
                            }
                            current = Some((id, Style::default()));
                            num = NumRef::default();
                        }
                    }
                    b"name" => {
                        if let (Some((_, s)), Some(v)) = (current.as_mut(), attr(e, b"val")) {
                            s.name = v;
                        }
                    }
                    b"basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(e, b"val");
                        }
                    }
                    b"outlineLvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.outline = attr(e, b"val").and_then(|v| v.parse().ok());
                        }
                    }
                    b"numId" => num.num_id = attr(e, b"val"),
                    b"ilvl" => num.ilvl = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"style" => {
                    if let Some((id, mut s)) = current.take() {
                        if num.num_id.is_some() {
                            s.num = Some(num.clone());
                        }
                        styles.by_id.insert(id, s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The style chain of a paragraph, nearest first (bounded: a cycle of
    /// `basedOn` in a damaged file must not hang the run).
    fn chain<'s>(&'s self, id: Option<&'s str>) -> impl Iterator<Item = &'s Style> + 's {
        let start = id.or(self.default_paragraph.as_deref());
        let mut next = start.and_then(|i| self.by_id.get(i));
        std::iter::from_fn(move || {
            let here = next?;
            next = here.based_on.as_deref().and_then(|b| self.by_id.get(b));
            Some(here)
        })
        .take(16)
    }

    fn heading(&self, id: Option<&str>) -> Option<HeadingKind> {
        for style in self.chain(id) {
            let name = style.name.to_ascii_lowercase();
            if name == "title" {
                return Some(HeadingKind::Title);
            }
            if let Some(n) = name
                .strip_prefix("heading ")
                .and_then(|n| n.parse::<u8>().ok())
            {
                return (1..=9).contains(&n).then_some(HeadingKind::Level(n));
            }
            if let Some(level) = style.outline {
                return (level < 9).then_some(HeadingKind::Level(level + 1));
            }
        }
        None
    }

    fn numbering(&self, id: Option<&str>) -> Option<NumRef> {
        self.chain(id).find_map(|s| s.num.clone())
    }
}

// ---------------------------------------------------------------------------
// Numbering

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct NumRef {
    num_id: Option<String>,
    ilvl: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumFormat {
    Decimal,
    DecimalZero,
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
    Bullet,
    None,
}

#[derive(Debug, Clone)]
struct Level {
    start: u32,
    format: NumFormat,
    text: String,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            format: NumFormat::Decimal,
            text: String::new(),
        }
    }
}

#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → its nine levels.
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    /// Counters per abstract list: Word continues a list across the
    /// numbering instances that share its definition.
    counters: HashMap<String, [Option<u32>; 9]>,
    /// Instances whose start overrides have been applied.
    restarted: HashSet<String>,
}

impl Numbering {
    fn parse(xml: &[u8]) -> Result<Self, ConvertError> {
        let mut reader = NsReader::from_reader(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut levels: Vec<Level> = Vec::new();
        let mut level: Option<(u8, Level)> = None;
        let mut num: Option<(String, String, HashMap<u8, u32>)> = None;
        let mut override_level: Option<u8> = None;
        loop {
            let ev = reader
                .read_event()
                .map_err(|e| xml_error("numbering", &e))?;
            match &ev {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"abstractNum" => {
                        abstract_id = attr(e, b"abstractNumId");
                        levels = vec![Level::default(); 9];
                    }
                    b"lvl" if num.is_none() => {
                        let ilvl = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((ilvl, Level::default()));
                    }
                    b"start" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.start = v.parse().unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = match attr(e, b"val").as_deref() {
                                Some("decimalZero") => NumFormat::DecimalZero,
                                Some("lowerLetter") => NumFormat::LowerLetter,
                                Some("upperLetter") => NumFormat::UpperLetter,
                                Some("lowerRoman") => NumFormat::LowerRoman,
                                Some("upperRoman") => NumFormat::UpperRoman,
                                Some("bullet") => NumFormat::Bullet,
                                Some("none") => NumFormat::None,
                                _ => NumFormat::Decimal,
                            };
                        }
                    }
                    b"lvlText" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.text = v;
                        }
                    }
                    b"num" => {
                        num = attr(e, b"numId").map(|id| (id, String::new(), HashMap::new()));
                    }
                    b"abstractNumId" => {
                        if let (Some(n), Some(v)) = (num.as_mut(), attr(e, b"val")) {
                            n.1 = v;
                        }
                    }
                    b"lvlOverride" => {
                        override_level = attr(e, b"ilvl").and_then(|v| v.parse().ok());
                    }
                    b"startOverride" => {
                        if let (Some(n), Some(l), Some(v)) =
                            (num.as_mut(), override_level, attr(e, b"val"))
                        {
                            n.2.insert(l, v.parse().unwrap_or(1));
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"lvl" => {
                        if let Some((i, l)) = level.take() {
                            if let Some(slot) = levels.get_mut(usize::from(i)) {
                                *slot = l;
                            }
                        }
                    }
                    b"abstractNum" => {
                        if let Some(id) = abstract_id.take() {
                            numbering.abstracts.insert(id, std::mem::take(&mut levels));
                        }
                    }
                    b"num" => {
                        if let Some((id, a, overrides)) = num.take() {
                            numbering.nums.insert(id, (a, overrides));
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(numbering)
    }

    /// Advances the list a paragraph belongs to and returns its label as
    /// Word prints it (`3.`, `(b)`, `2.1`, `-` for a bullet).
    fn next_label(&mut self, num: &NumRef) -> Option<String> {
        let num_id = num.num_id.as_deref()?;
        let (abstract_id, overrides) = self.nums.get(num_id)?;
        let levels = self.abstracts.get(abstract_id)?;
        let ilvl = usize::from(num.ilvl.min(8));
        let level = levels.get(ilvl)?;
        if level.format == NumFormat::Bullet {
            return Some("-".into());
        }
        let counters = self.counters.entry(abstract_id.clone()).or_default();
        if !overrides.is_empty() && self.restarted.insert(num_id.to_owned()) {
            for (&l, &start) in overrides {
                if let Some(c) = counters.get_mut(usize::from(l)) {
                    // the next item at that level shows `start`
                    *c = Some(start.saturating_sub(1));
                }
            }
        }
        let value = counters[ilvl].map_or(level.start, |c| c + 1);
        counters[ilvl] = Some(value);
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = None;
        }
        if level.format == NumFormat::None || level.text.is_empty() {
            return None;
        }
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let i = d as usize - 1;
                    let shown = levels.get(i).cloned().unwrap_or_default();
                    let n = counters[i].unwrap_or(shown.start);
                    label.push_str(&format_number(n, shown.format));
                }
                _ => label.push(c),
            }
        }
        let label = label.trim().to_owned();
        (!label.is_empty()).then_some(label)
    }
}

fn format_number(n: u32, format: NumFormat) -> String {
    match format {
        NumFormat::Decimal | NumFormat::Bullet | NumFormat::None => n.to_string(),
        NumFormat::DecimalZero => format!("{n:02}"),
        NumFormat::LowerLetter => letters(n),
        NumFormat::UpperLetter => letters(n).to_uppercase(),
        NumFormat::LowerRoman => roman(n),
        NumFormat::UpperRoman => roman(n).to_uppercase(),
    }
}

/// Word's letter numbering: a…z, then aa…zz.
fn letters(n: u32) -> String {
    if n == 0 {
        return "0".into();
    }
    let letter = char::from(b'a' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(mut n: u32) -> String {
    const DIGITS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Reading the body

#[derive(Debug, Default)]
struct Para {
    style: Option<String>,
    num: Option<NumRef>,
    outline: Option<u8>,
    text: String,
    /// Display numbers of the notes referenced here.
    notes: Vec<u32>,
    /// Paragraphs of text boxes anchored here, read after it.
    floating: Vec<Block>,
}

#[derive(Debug)]
enum Block {
    Para(Para),
    /// Rows of cells of blocks.
    Table(Vec<Vec<Vec<Block>>>),
}

/// A note referenced from the body: its display number and its id.
#[derive(Debug, Clone, Copy)]
struct NoteRef {
    number: u32,
    endnote: bool,
    id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// Between `begin` and `separate`: the field's code, not shown.
    Code,
    /// Between `separate` and `end`: the field's result, shown.
    Result,
}

/// A pull parser over one WordprocessingML part.
struct BodyReader<'x> {
    xml: NsReader<&'x [u8]>,
    note_refs: Vec<NoteRef>,
    /// References are numbered only in the body, not inside notes.
    count_notes: bool,
}

/// An event with its element's namespace reduced to what matters here.
enum Ev<'x> {
    Start(Ns, BytesStart<'x>),
    Empty(Ns, BytesStart<'x>),
    End(Ns, Vec<u8>),
    Text(String),
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Word,
    Compat,
    Other,
}

impl<'x> BodyReader<'x> {
    fn new(xml: &'x [u8]) -> Self {
        BodyReader {
            xml: NsReader::from_reader(xml),
            note_refs: Vec::new(),
            count_notes: true,
        }
    }

    fn next(&mut self) -> Result<Ev<'x>, ConvertError> {
        loop {
            let (ns, ev) = self
                .xml
                .read_resolved_event()
                .map_err(|e| xml_error("document", &e))?;
            let ns = match ns {
                ResolveResult::Bound(n) if W_NS.contains(&n.as_ref()) => Ns::Word,
                ResolveResult::Bound(n) if n.as_ref() == MC_NS => Ns::Compat,
                _ => Ns::Other,
            };
            return Ok(match ev {
                Event::Start(e) => Ev::Start(ns, e),
                Event::Empty(e) => Ev::Empty(ns, e),
                Event::End(e) => Ev::End(ns, e.local_name().as_ref().to_vec()),
                Event::Text(t) => Ev::Text(
                    t.unescape()
                        .map_err(|e| xml_error("document", &e))?
                        .into_owned(),
                ),
                Event::CData(t) => Ev::Text(String::from_utf8_lossy(&t).into_owned()),
                Event::Eof => Ev::Eof,
                _ => continue,
            });
        }
    }

    /// Skips to the end of the element just started.
    fn skip(&mut self) -> Result<(), ConvertError> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Ev::Start(..) => depth += 1,
                Ev::End(..) => depth -= 1,
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    fn read_document(&mut self) -> Result<Vec<Block>, ConvertError> {
        loop {
            match self.next()? {
                Ev::Start(Ns::Word, e) if e.local_name().as_ref() == b"body" => {
                    return self.read_blocks(b"body");
                }
                Ev::Eof => return Ok(Vec::new()),
                _ => {}
            }
        }
    }

    /// Reads paragraphs and tables until the end of the `until` element.
    fn read_blocks(&mut self, until: &[u8]) -> Result<Vec<Block>, ConvertError> {
        let mut blocks = Vec::new();
        loop {
            match self.next()? {
                Ev::Start(Ns::Word, e) => match e.local_name().as_ref() {
                    b"p" => blocks.push(Block::Para(self.read_paragraph()?)),
                    b"tbl" => blocks.push(self.read_table()?),
                    b"del" | b"moveFrom" | b"sdtPr" => self.skip()?,
                    _ => {}
                },
                Ev::Start(Ns::Compat, e) if e.local_name().as_ref() == b"Fallback" => {
                    self.skip()?;
                }
                Ev::End(Ns::Word, name) if name == until => return Ok(blocks),
                Ev::Eof => return Ok(blocks),
                _ => {}
            }
        }
    }

    fn read_table(&mut self) -> Result<Block, ConvertError> {
        let mut rows: Vec<Vec<Vec<Block>>> = Vec::new();
        loop {
            match self.next()? {
                Ev::Start(Ns::Word, e) => match e.local_name().as_ref() {
                    b"tr" => rows.push(Vec::new()),
                    b"tc" => {
                        let cell = self.read_blocks(b"tc")?;
                        match rows.last_mut() {
                            Some(row) => row.push(cell),
                            None => rows.push(vec![cell]),
                        }
                    }
                    b"del" | b"moveFrom" => self.skip()?,
                    _ => {}
                },
                Ev::End(Ns::Word, name) if name == b"tbl" => break,
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(Block::Table(rows))
    }

    fn read_paragraph(&mut self) -> Result<Para, ConvertError> {
        let mut p = Para::default();
        let mut in_run = false;
        let mut in_text = false;
        let mut hidden = false;
        let mut fields: Vec<Field> = Vec::new();
        let mut num = NumRef::default();
        let mut has_num = false;
        let shown = |fields: &[Field], hidden: bool| {
            !hidden && fields.last().is_none_or(|f| *f == Field::Result)
        };
        loop {
            match self.next()? {
                Ev::Start(Ns::Word, e) => match e.local_name().as_ref() {
                    b"r" => {
                        in_run = true;
                        hidden = false;
                    }
                    b"t" => in_text = true,
                    b"del" | b"moveFrom" | b"delText" | b"instrText" | b"rPrChange"
                    | b"pPrChange" => self.skip()?,
                    b"txbxContent" => {
                        let inner = self.read_blocks(b"txbxContent")?;
                        p.floating.extend(inner);
                    }
                    b"pStyle" => p.style = attr(&e, b"val"),
                    _ => {}
                },
                Ev::Start(Ns::Compat, e) if e.local_name().as_ref() == b"Fallback" => {
                    self.skip()?;
                }
                Ev::Empty(Ns::Word, e) => match e.local_name().as_ref() {
                    b"pStyle" => p.style = attr(&e, b"val"),
                    b"numId" => {
                        num.num_id = attr(&e, b"val");
                        has_num = true;
                    }
                    b"ilvl" => {
                        num.ilvl = attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0)
                    }
                    b"outlineLvl" => p.outline = attr(&e, b"val").and_then(|v| v.parse().ok()),
                    b"vanish" if in_run => hidden = is_on(&e),
                    b"tab" if in_run && shown(&fields, hidden) => p.text.push('\t'),
                    b"br" | b"cr" if in_run && shown(&fields, hidden) => p.text.push(' '),
                    b"noBreakHyphen" if in_run && shown(&fields, hidden) => p.text.push('-'),
                    b"sym" if in_run && shown(&fields, hidden) => {
                        if let Some(c) = attr(&e, b"char").and_then(|h| symbol_char(&h)) {
                            p.text.push(c);
                        }
                    }
                    b"fldChar" => match attr(&e, b"fldCharType").as_deref() {
                        Some("begin") => fields.push(Field::Code),
                        Some("separate") => {
                            if let Some(f) = fields.last_mut() {
                                *f = Field::Result;
                            }
                        }
                        Some("end") => {
                            fields.pop();
                        }
                        _ => {}
                    },
                    b"footnoteReference" | b"endnoteReference" if self.count_notes => {
                        let endnote = e.local_name().as_ref() == b"endnoteReference";
                        if let Some(id) = attr(&e, b"id").and_then(|v| v.parse().ok()) {
                            let number = self.note_refs.len() as u32 + 1;
                            self.note_refs.push(NoteRef {
                                number,
                                endnote,
                                id,
                            });
                            p.notes.push(number);
                            p.text.push_str(&superscript(number));
                        }
                    }
                    _ => {}
                },
                Ev::Text(t) if in_text && shown(&fields, hidden) => p.text.push_str(&t),
                Ev::End(Ns::Word, name) => match name.as_slice() {
                    b"t" => in_text = false,
                    b"r" => in_run = false,
                    b"p" => break,
                    _ => {}
                },
                Ev::Eof => break,
                _ => {}
            }
        }
        if has_num {
            p.num = Some(num);
        }
        Ok(p)
    }
}

/// Characters from Word's symbol fonts (private-use `F0xx` codes).
fn symbol_char(hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex, 16).ok()?;
    let code = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    match code {
        0xB7 | 0xA7 | 0x6C | 0x6E | 0xD8 | 0xFC => Some('•'),
        0x20..=0x7E => char::from_u32(code),
        _ => None,
    }
}

/// Reads `footnotes.xml` / `endnotes.xml`: id → the note's text.
fn read_notes(xml: &[u8], element: &str) -> Result<Vec<(i64, String)>, ConvertError> {
    let mut reader = BodyReader::new(xml);
    reader.count_notes = false;
    let mut out = Vec::new();
    loop {
        match reader.next()? {
            Ev::Start(Ns::Word, e) if e.local_name().as_ref() == element.as_bytes() => {
                let separator = attr(&e, b"type").is_some_and(|t| t != "normal");
                let id = attr(&e, b"id").and_then(|v| v.parse().ok());
                let blocks = reader.read_blocks(element.as_bytes())?;
                if let (false, Some(id)) = (separator, id) {
                    let mut text = String::new();
                    flatten_text(&blocks, &mut text);
                    out.push((id, text.trim().to_owned()));
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// All the text of some blocks, paragraphs separated by spaces.
fn flatten_text(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Para(p) => {
                let t = p.text.trim();
                if !t.is_empty() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(t);
                }
                flatten_text(&p.floating, out);
            }
            Block::Table(rows) => {
                for cell in rows.iter().flatten() {
                    flatten_text(cell, out);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Writing the text

struct Render<'a> {
    out: TextBuilder,
    styles: &'a Styles,
    numbering: Numbering,
    /// Headings are written as Markdown (the document uses heading styles).
    markdown: bool,
    /// Heading levels move down one when a Title stands above them.
    title_offset: u8,
    /// The Title paragraphs at the top, written as one `#` line.
    title: Option<String>,
    title_written: bool,
    /// Number of the last non-empty paragraph.
    paragraph: u32,
    /// The last line written was a list item (the next one joins its block).
    in_list: bool,
    /// Paragraph holding each note reference, by display number.
    note_paragraph: HashMap<u32, u32>,
}

impl<'a> Render<'a> {
    fn new(styles: &'a Styles, numbering: Numbering, blocks: &[Block]) -> Self {
        // Title paragraphs before the first heading name the document.
        let mut title_parts = Vec::new();
        let mut headings = 0;
        for b in blocks {
            if let Block::Para(p) = b {
                match heading_of(styles, p) {
                    Some(HeadingKind::Title) if headings == 0 => {
                        let t = p.text.trim();
                        if !t.is_empty() {
                            title_parts.push(t.to_owned());
                        }
                    }
                    Some(HeadingKind::Level(_)) => headings += 1,
                    _ => {}
                }
            }
        }
        let markdown = headings > 0;
        let title = (markdown && !title_parts.is_empty()).then(|| title_parts.join(": "));
        Render {
            out: TextBuilder::default(),
            styles,
            numbering,
            markdown,
            title_offset: u8::from(title.is_some()),
            title,
            title_written: false,
            paragraph: 0,
            in_list: false,
            note_paragraph: HashMap::new(),
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Para(p) => self.paragraph(p),
                Block::Table(rows) => self.table(rows),
            }
        }
    }

    fn end_list(&mut self) {
        if self.in_list {
            self.out.blank();
            self.in_list = false;
        }
    }

    fn paragraph(&mut self, p: &Para) {
        let list = p
            .num
            .clone()
            .or_else(|| self.styles.numbering(p.style.as_deref()))
            .filter(|n| n.num_id.as_deref().is_some_and(|id| id != "0"));
        let label = list.as_ref().and_then(|n| self.numbering.next_label(n));
        let text = p.text.trim();
        if text.is_empty() {
            self.blocks(&p.floating);
            return;
        }
        self.paragraph += 1;
        let here = self.paragraph;
        for n in &p.notes {
            self.note_paragraph.insert(*n, here);
        }
        let heading = if self.markdown {
            heading_of(self.styles, p)
        } else {
            None
        };
        match heading {
            Some(HeadingKind::Title) if self.title.is_some() && !self.title_written => {
                self.end_list();
                self.out.blank();
                let title = self.title.clone().unwrap_or_default();
                self.out.line(&format!("# {title}"), here);
                self.out.blank();
                self.title_written = true;
            }
            Some(HeadingKind::Title) if self.title_written && self.paragraph_is_title_part(p) => {
                // Already written as part of the joined title line.
            }
            Some(HeadingKind::Level(level)) => {
                self.end_list();
                self.out.blank();
                let hashes = "#".repeat(usize::from((level + self.title_offset).clamp(1, 6)));
                let line = match &label {
                    Some(l) => format!("{hashes} {} {text}", label_with_separator(l)),
                    None => format!("{hashes} {text}"),
                };
                self.out.line(&line, here);
                self.out.blank();
            }
            _ if label.is_some() => {
                let label = label.unwrap_or_default();
                if !self.in_list {
                    self.out.blank();
                }
                let indent = if list.as_ref().is_some_and(|n| n.ilvl > 0) {
                    " "
                } else {
                    ""
                };
                let line = format!("{indent}{} {text}", label_with_separator(&label));
                self.out.line(&line, here);
                self.in_list = true;
            }
            _ => {
                self.end_list();
                let line = if self.markdown {
                    escape_markdown_line(text)
                } else {
                    text.to_owned()
                };
                self.out.line(&line, here);
                self.out.blank();
            }
        }
        self.blocks(&p.floating);
    }

    fn paragraph_is_title_part(&self, p: &Para) -> bool {
        self.title
            .as_deref()
            .is_some_and(|t| t.split(": ").any(|part| part == p.text.trim()))
    }

    fn table(&mut self, rows: &[Vec<Vec<Block>>]) {
        // A one-column table is a box around ordinary paragraphs (a learning
        // point, a quotation): its content is read as such.
        if rows.iter().all(|r| r.len() <= 1) {
            for cell in rows.iter().flatten() {
                self.blocks(cell);
            }
            return;
        }
        self.end_list();
        self.out.blank();
        for row in rows {
            let first_paragraph = self.paragraph + 1;
            let mut cells = Vec::with_capacity(row.len());
            for cell in row {
                let mut text = String::new();
                self.cell_text(cell, &mut text);
                cells.push(text.replace('\t', " "));
            }
            let line = cells.join("\t");
            if !line.trim().is_empty() {
                self.out
                    .line(&line, first_paragraph.min(self.paragraph.max(1)));
            }
        }
        self.out.blank();
    }

    /// The text of a table cell on one line, counting its paragraphs.
    fn cell_text(&mut self, blocks: &[Block], out: &mut String) {
        for b in blocks {
            match b {
                Block::Para(p) => {
                    let list = p
                        .num
                        .clone()
                        .or_else(|| self.styles.numbering(p.style.as_deref()))
                        .filter(|n| n.num_id.as_deref().is_some_and(|id| id != "0"));
                    let label = list.as_ref().and_then(|n| self.numbering.next_label(n));
                    let t = p.text.trim();
                    if !t.is_empty() {
                        self.paragraph += 1;
                        for n in &p.notes {
                            self.note_paragraph.insert(*n, self.paragraph);
                        }
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        if let Some(l) = label {
                            out.push_str(&label_with_separator(&l));
                            out.push(' ');
                        }
                        out.push_str(t);
                    }
                    self.cell_text(&p.floating, out);
                }
                Block::Table(rows) => {
                    for cell in rows.iter().flatten() {
                        self.cell_text(cell, out);
                    }
                }
            }
        }
    }

    /// The notes, set aside after the body, each behind its number.
    fn notes(&mut self, refs: &[NoteRef], texts: &HashMap<(bool, i64), String>) {
        self.end_list();
        let mut wrote = false;
        for r in refs {
            let Some(text) = texts.get(&(r.endnote, r.id)).filter(|t| !t.is_empty()) else {
                continue;
            };
            if !wrote {
                self.out.blank();
                wrote = true;
            }
            let at = self.note_paragraph.get(&r.number).copied().unwrap_or(0);
            self.out
                .line(&format!("{} {}", superscript(r.number), text), at);
        }
    }
}

fn heading_of(styles: &Styles, p: &Para) -> Option<HeadingKind> {
    if let Some(level) = p.outline {
        return (level < 9).then_some(HeadingKind::Level(level + 1));
    }
    styles.heading(p.style.as_deref())
}

/// `1` → `1.`: a bare number before text would read as part of it; labels
/// that already end in punctuation, and bullets, stay as they are.
fn label_with_separator(label: &str) -> String {
    if label.ends_with(|c: char| c.is_ascii_digit() || c.is_alphabetic()) && !label.contains('.') {
        format!("{label}.")
    } else {
        label.to_owned()
    }
}

/// A body line that Markdown would take for a heading or a comment.
fn escape_markdown_line(text: &str) -> String {
    if text.starts_with('#') || text.starts_with("<!--") {
        format!("\\{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_numbering_formats() {
        assert_eq!(letters(1), "a");
        assert_eq!(letters(27), "aa");
        assert_eq!(roman(14), "xiv");
        assert_eq!(format_number(3, NumFormat::UpperLetter), "C");
        assert_eq!(format_number(4, NumFormat::DecimalZero), "04");
    }

    #[test]
    fn labels_get_a_separator_only_when_bare() {
        assert_eq!(label_with_separator("3"), "3.");
        assert_eq!(label_with_separator("(b)"), "(b)");
        assert_eq!(label_with_separator("2.1"), "2.1");
        assert_eq!(label_with_separator("-"), "-");
    }

    #[test]
    fn relationship_targets_resolve() {
        assert_eq!(resolve_target("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve_target("word", "/word/x.xml"), "word/x.xml");
        assert_eq!(
            resolve_target("word/sub", "../media/a.png"),
            "word/media/a.png"
        );
    }

    /// A package with `body` as its document, and the given styles,
    /// numbering and footnotes under Word's usual part names (with no
    /// relationships file: the reader falls back on those names).
    fn package(body: &str, styles: &str, numbering: &str, footnotes: &str) -> Vec<u8> {
        use std::io::Write;
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, xml) in [
            (
                "word/document.xml",
                format!("<w:document {w}><w:body>{body}</w:body></w:document>"),
            ),
            (
                "word/styles.xml",
                format!("<w:styles {w}>{styles}</w:styles>"),
            ),
            (
                "word/numbering.xml",
                format!("<w:numbering {w}>{numbering}</w:numbering>"),
            ),
            (
                "word/footnotes.xml",
                format!("<w:footnotes {w}>{footnotes}</w:footnotes>"),
            ),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn para(style: &str, runs: &str) -> String {
        format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>"#)
    }

    fn run(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    fn item(num: u32, level: u8, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>{}</w:p>"#,
            run(text)
        )
    }

    /// Title, a heading by name, one by `basedOn`, and Word's TOC Heading
    /// (based on Heading 1 but taken out of the outline).
    const STYLES: &str = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Review subheading"/><w:basedOn w:val="Heading2"/></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style><w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>"#;
    /// Lists 1 and 2 share a definition (2 restarts it); list 3 is bullets.
    const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="5"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="6"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="5"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="5"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num><w:num w:numId="3"><w:abstractNumId w:val="6"/></w:num>"#;

    #[test]
    fn a_word_document_reads_as_revlens_text() {
        let field = format!(
            r#"<w:p>{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>secret </w:t></w:r><w:del><w:r><w:delText>old </w:delText></w:r></w:del><w:ins>{}</w:ins><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:footnoteReference w:id="7"/></w:r></w:p>"#,
            run("The review "),
            run("began "),
            run("in 2021.")
        );
        let table = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}<w:p><w:r><w:t>and more</w:t><w:tab/><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
            para("Normal", &run("Agency")),
            para("Normal", &run("Contacts")),
            para("Normal", &run("Police")),
            para("Normal", &run("12"))
        );
        let boxed = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>",
            para("Normal", &run("A boxed learning point."))
        );
        let body = [
            para("Title", &run("Child Q")),
            para("Title", &run("Learning Review")),
            para("TOCHeading", &run("Contents")),
            para("Heading1", &run("Introduction")),
            field,
            para("Sub", &run("What happened")),
            item(1, 0, "First finding."),
            item(1, 1, "A detail."),
            item(1, 0, "Second finding."),
            item(2, 0, "A new list."),
            item(3, 0, "A bullet."),
            "<w:p/>".to_owned(),
            table,
            boxed,
            para("Normal", &run("# not a heading")),
        ]
        .concat();
        let notes = format!(
            r#"<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="7">{}</w:footnote>"#,
            para(
                "Normal",
                &format!("<w:r><w:footnoteRef/></w:r>{}", run(" A note."))
            )
        );
        let c = convert(&package(&body, STYLES, NUMBERING, &notes)).unwrap();
        assert_eq!(c.flavour, Flavour::Markdown);
        let expected = "# Child Q: Learning Review\n\nContents\n\n## Introduction\n\n\
            The review began in 2021.¹\n\n### What happened\n\n\
            1. First finding.\n (a) A detail.\n2. Second finding.\n1. A new list.\n- A bullet.\n\n\
            Agency\tContacts\nPolice\t12 and more x\n\nA boxed learning point.\n\n\
            \\# not a heading\n\n¹ A note.\n";
        assert_eq!(c.text, expected);
        // Paragraph numbers count non-empty paragraphs; the note belongs to
        // the paragraph that refers to it.
        let at = |needle: &str| c.map.at_offset(c.text.find(needle).unwrap());
        assert_eq!(at("Child Q"), Some(1));
        assert_eq!(at("## Introduction"), Some(4));
        assert_eq!(at("A detail"), Some(8));
        assert_eq!(at("Police"), Some(14));
        assert_eq!(at("A boxed"), Some(17));
        assert_eq!(at("not a heading"), Some(18));
        assert_eq!(at("A note"), Some(5));
    }

    #[test]
    fn without_heading_styles_the_text_is_plain() {
        let body = [
            para("Normal", &run("Introduction")),
            para("Normal", &run("Text.")),
        ]
        .concat();
        let c = convert(&package(&body, STYLES, "", "")).unwrap();
        assert_eq!(c.flavour, Flavour::PlainText);
        assert_eq!(c.text, "Introduction\n\nText.\n");
    }

    #[test]
    fn a_zip_that_is_not_word_is_refused() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let e = convert(&bytes).unwrap_err();
        assert!(e.0.contains("not a Word document"), "{e}");
    }

    #[test]
    fn symbol_font_bullets() {
        assert_eq!(symbol_char("F0B7"), Some('•'));
        assert_eq!(symbol_char("F041"), Some('A'));
    }
}
