//! The literal scan's automaton: finds every place where one of the
//! prefilter's literals ends in a paragraph, overlapping ones included, ASCII
//! case ignored.
//!
//! The aho-corasick crate builds the automaton (trie, failure links, the
//! literals that end at each state). For the hundreds of literals of a real
//! rule set, this module lays its transitions out again in a table made for
//! the scan: ASCII upper case folded onto lower case in the byte classes (no
//! lower-casing of each byte read), state numbers that are table offsets, the
//! states where literals end numbered last (one comparison tells them), and
//! each such state's number among them kept in its row, so that whoever reads
//! the scan can file what a state means once, rather than literal by literal
//! at every place found. For a few literals the crate's own search is used:
//! it skips with a vector search to where one may start.
//!
//! Why not the crate's DFA, stepped as it is: for the built-in rules' 909
//! literals its table is 0.96 MB (a power-of-two row per state, for the
//! bytes as they are, each byte read lower-cased first), and what it says
//! of a state where literals end takes two more lookups per literal. This
//! table is 0.52 MB; stepping through it alone takes 2.2 ns a byte against
//! 3.3, and `themes` took 0.97 times the CPU time on a 105 MB corpus (in
//! pairs).

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, BuildError, MatchKind, StartKind};

/// The literals' automaton, in whichever form scans them fastest.
#[derive(Debug, Clone)]
pub struct LiteralScanner {
    search: Search,
    /// Per group (see [`LiteralScanner::each_end`]): the range of
    /// `group_literals` that ends there.
    group_starts: Vec<usize>,
    /// The literals ending at each group, by index into the literals the
    /// scanner was built from.
    group_literals: Vec<usize>,
}

#[derive(Debug, Clone)]
enum Search {
    /// Stepped through byte by byte.
    Table(Table),
    /// The crate's search, which skips ahead to where a literal may start;
    /// each literal is a group of its own.
    Skipping(aho_corasick::dfa::DFA),
}

/// A DFA laid out for stepping (see the module's comment).
#[derive(Debug, Clone)]
struct Table {
    /// Byte → column of a row; ASCII upper case has the column of its lower
    /// case.
    columns: [u8; 256],
    /// Row after row, one per state, each `row_len` long: a state's number is
    /// the offset of its row. Each row's last entry is the state's group, for
    /// the states where literals end.
    next: Vec<u32>,
    row_len: usize,
    start: u32,
    /// The states at or above this are those where literals end.
    first_end: u32,
    /// The longest literal: a walk is in step with any other by this many
    /// bytes after it starts.
    longest: usize,
}

impl LiteralScanner {
    /// The scanner of `literals`, which must be ASCII lower-cased; none may
    /// be empty.
    pub fn build(literals: &[Vec<u8>]) -> Result<LiteralScanner, BuildError> {
        LiteralScanner::build_as(literals, true)
    }

    /// [`LiteralScanner::build`], stepping through a table whatever the
    /// number of literals unless `may_skip` (tests step through a few).
    fn build_as(literals: &[Vec<u8>], may_skip: bool) -> Result<LiteralScanner, BuildError> {
        let nfa = aho_corasick::nfa::noncontiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .build(literals)?;
        if may_skip && nfa.prefilter().is_some() {
            // Few literals: the crate's search skips from one place a
            // literal may start to the next, far faster than stepping byte
            // by byte. Its automaton folds case itself.
            let dfa = aho_corasick::dfa::DFA::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .build(literals)?;
            return Ok(LiteralScanner {
                search: Search::Skipping(dfa),
                group_starts: (0..=literals.len()).collect(),
                group_literals: (0..literals.len()).collect(),
            });
        }
        Ok(Table::of(&nfa, literals))
    }

    /// Calls `found(group, end)` for every place `end` in `haystack` where
    /// literals end: [`LiteralScanner::literals_of`] `group` are those that
    /// end there (each starting its own length before). Places come in no
    /// particular order.
    pub fn each_end(&self, haystack: &[u8], found: impl FnMut(usize, usize)) {
        match &self.search {
            Search::Table(table) => table.each_end(haystack, found),
            Search::Skipping(dfa) => {
                let mut found = found;
                if let Ok(iter) = dfa.try_find_overlapping_iter(aho_corasick::Input::new(haystack))
                {
                    for m in iter {
                        found(m.pattern().as_usize(), m.end());
                    }
                }
            }
        }
    }

    /// How many groups of literals [`LiteralScanner::each_end`] names.
    pub fn groups(&self) -> usize {
        self.group_starts.len() - 1
    }

    /// The literals (indices into those the scanner was built from) that
    /// end where [`LiteralScanner::each_end`] reports `group`.
    pub fn literals_of(&self, group: usize) -> &[usize] {
        &self.group_literals[self.group_starts[group]..self.group_starts[group + 1]]
    }

    /// Whether the scan skips ahead rather than stepping byte by byte.
    #[cfg(test)]
    fn skips(&self) -> bool {
        matches!(self.search, Search::Skipping(_))
    }
}

impl Table {
    /// Lays out the states of `nfa` reachable from its unanchored start.
    fn of(nfa: &aho_corasick::nfa::noncontiguous::NFA, literals: &[Vec<u8>]) -> LiteralScanner {
        // One column per byte the literals hold, and one for every other
        // byte: from any state, those all lead back to the start.
        let mut columns = [0u8; 256];
        let mut representatives = vec![0u8];
        let mut held = [false; 256];
        for &byte in literals.iter().flatten() {
            held[usize::from(byte)] = true;
        }
        for byte in (0..=255u8).filter(|&b| held[usize::from(b)]) {
            columns[usize::from(byte)] =
                u8::try_from(representatives.len()).expect("at most 256 columns");
            representatives.push(byte);
        }
        if held[0] {
            // The byte standing for the rest must be one no literal holds.
            let rest = (0..=255u8)
                .find(|&b| !held[usize::from(b)] && !b.is_ascii_uppercase())
                .unwrap_or(0);
            representatives[0] = rest;
        }
        for byte in b'A'..=b'Z' {
            columns[usize::from(byte)] = columns[usize::from(byte.to_ascii_lowercase())];
        }
        // Every state reachable from the start, in the order found, with
        // where each goes on each column's byte; the crate numbers its
        // states densely, from 0.
        let start = nfa.start_state(Anchored::No).expect("an unanchored start");
        let mut states = Vec::new();
        let mut found_as = Vec::new();
        let mut found = |sid: aho_corasick::automaton::StateID, states: &mut Vec<_>| {
            let i = sid.as_usize();
            if i >= found_as.len() {
                found_as.resize(i + 1, usize::MAX);
            }
            if found_as[i] == usize::MAX {
                found_as[i] = states.len();
                states.push(sid);
            }
            found_as[i]
        };
        found(start, &mut states);
        let mut moves = Vec::new();
        let mut k = 0;
        while k < states.len() {
            let from = states[k];
            for &byte in &representatives {
                moves.push(found(nfa.next_state(Anchored::No, from, byte), &mut states));
            }
            k += 1;
        }
        // Rows: the states where no literal ends, then those where some do,
        // each kept in the order found.
        let columns_len = representatives.len();
        let row_len = columns_len + 1;
        let mut rows: Vec<usize> = (0..states.len()).collect();
        rows.sort_by_key(|&k| nfa.is_match(states[k]));
        let mut offset_of = vec![0u32; states.len()];
        for (row, &k) in rows.iter().enumerate() {
            offset_of[k] = u32::try_from(row * row_len).expect("a table under 4 GiB");
        }
        let mut next = vec![0u32; states.len() * row_len];
        let mut group_starts = vec![0];
        let mut group_literals = Vec::new();
        let mut first_end = u32::try_from(next.len()).expect("a table under 4 GiB");
        for (row, &k) in rows.iter().enumerate() {
            let entries = &mut next[row * row_len..(row + 1) * row_len];
            for (entry, &to) in entries
                .iter_mut()
                .zip(&moves[k * columns_len..(k + 1) * columns_len])
            {
                *entry = offset_of[to];
            }
            let state = states[k];
            if nfa.is_match(state) {
                first_end = first_end.min(offset_of[k]);
                entries[columns_len] =
                    u32::try_from(group_starts.len() - 1).expect("fewer than 4G groups");
                group_literals.extend(
                    (0..nfa.match_len(state)).map(|i| nfa.match_pattern(state, i).as_usize()),
                );
                group_starts.push(group_literals.len());
            }
        }
        LiteralScanner {
            search: Search::Table(Table {
                columns,
                next,
                row_len,
                start: offset_of[0],
                first_end,
                longest: nfa.max_pattern_len(),
            }),
            group_starts,
            group_literals,
        }
    }

    /// [`LiteralScanner::each_end`] by stepping through the table, over the
    /// two halves of the text at once: each step waits on a load from the
    /// table, and two independent walks wait together.
    fn each_end(&self, haystack: &[u8], mut found: impl FnMut(usize, usize)) {
        let group = |state: u32| self.next[state as usize + self.row_len - 1] as usize;
        let step = |state: u32, byte: u8| {
            self.next[state as usize + usize::from(self.columns[usize::from(byte)])]
        };
        if self.start >= self.first_end {
            found(group(self.start), 0);
        }
        // The state depends only on the last `longest` bytes read: the
        // second walk, started that far before the middle, is in step with
        // the first by the middle, and reports only what ends after it.
        let middle = haystack.len() / 2;
        let (first, second_from) = if middle > 2 * self.longest {
            (&haystack[..middle], middle - self.longest)
        } else {
            (haystack, haystack.len())
        };
        let second = &haystack[second_from..];
        let (mut a, mut b) = (self.start, self.start);
        for (i, (&x, &y)) in first.iter().zip(second).enumerate() {
            a = step(a, x);
            b = step(b, y);
            if a >= self.first_end {
                found(group(a), i + 1);
            }
            let end = second_from + i + 1;
            if b >= self.first_end && end > middle {
                found(group(b), end);
            }
        }
        let together = first.len().min(second.len());
        for (i, &x) in first.iter().enumerate().skip(together) {
            a = step(a, x);
            if a >= self.first_end {
                found(group(a), i + 1);
            }
        }
        for (i, &y) in second.iter().enumerate().skip(together) {
            b = step(b, y);
            let end = second_from + i + 1;
            if b >= self.first_end && end > middle {
                found(group(b), end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (literal, start) the scanner finds in `text`, sorted.
    fn found_by(scanner: &LiteralScanner, literals: &[Vec<u8>], text: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        scanner.each_end(text.as_bytes(), |group, end| {
            for &literal in scanner.literals_of(group) {
                found.push((literal, end - literals[literal].len()));
            }
        });
        found.sort_unstable();
        found
    }

    #[test]
    fn every_overlapping_occurrence_is_found_whatever_its_case() {
        // Literals that nest and share prefixes and suffixes (one with a
        // non-ASCII letter, one with a NUL byte), in texts of every length
        // from empty to well past the one where the table is walked over
        // the two halves at once (twice the longest literal, here 8). A few
        // literals that all start with one letter get the crate's skipping
        // search, unless made to step through the table.
        let stepped = [
            "no", "not", "nothing", "thing", "in", "ing", "nrm", "referral", "ral", "a", "é", "\0x",
        ];
        let skipped = ["n", "nn", "no", "not", "nothing", "nrm"];
        let pieces = [
            "nothing ", "NOT ", "referral", "x", " ", "nrm,", "Thing", "n", "o", "É", "é", "\0X",
        ];
        for (literals, may_skip, skips) in [
            (&stepped[..], true, false),
            (&skipped[..], true, true),
            (&skipped[..], false, false),
        ] {
            let literals: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
            let scanner = LiteralScanner::build_as(&literals, may_skip).unwrap();
            assert_eq!(scanner.skips(), skips);
            let reference = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&literals)
                .unwrap();
            let mut seed = 7u64;
            for len in 0..240 {
                let mut text = String::new();
                while text.len() < len {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                }
                let mut expected: Vec<(usize, usize)> = reference
                    .find_overlapping_iter(&text)
                    .map(|m| (m.pattern().as_usize(), m.start()))
                    .collect();
                expected.sort_unstable();
                assert_eq!(found_by(&scanner, &literals, &text), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn hundreds_of_literals_are_stepped_through_a_table_of_their_bytes() {
        // Made-up words of three to eight letters: too many for the crate to
        // skip ahead, so the table is stepped through; its rows have a
        // column per letter, one for any other byte and one for the group.
        let mut seed = 11u64;
        let mut literals: Vec<Vec<u8>> = (0..400)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let len = 3 + (seed >> 60) as usize % 6;
                (0..len)
                    .map(|k| b'a' + ((seed >> (4 * k + 8)) % 26) as u8)
                    .collect()
            })
            .collect();
        literals.sort();
        literals.dedup();
        let scanner = LiteralScanner::build(&literals).unwrap();
        assert!(!scanner.skips());
        let text: String = literals
            .iter()
            .rev()
            .map(|l| String::from_utf8_lossy(l).to_uppercase() + "-")
            .collect();
        let found = found_by(&scanner, &literals, &text);
        // Each literal is found at least where it was written.
        let mut at = 0;
        for (k, literal) in literals.iter().enumerate().rev() {
            assert!(
                found.contains(&(k, at)),
                "{:?}",
                String::from_utf8_lossy(literal)
            );
            at += literal.len() + 1;
        }
        let Search::Table(table) = &scanner.search else {
            unreachable!()
        };
        assert_eq!(table.row_len, 26 + 2);
        assert_eq!(
            table.columns[usize::from(b'Q')],
            table.columns[usize::from(b'q')]
        );
        assert_eq!(table.columns[usize::from(b'-')], 0);
    }
}
