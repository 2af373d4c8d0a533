//! Texts for tests that hold a fast path to a plain one: pieces (spaces,
//! letters, markup, other scripts) joined at random, the same on every run.

/// `count` texts of up to `most` pieces each, drawn from `pieces` by a
/// xorshift generator started at `seed`. The generator also draws each
/// text's length, so a length of zero does not leave every later text
/// empty.
pub(crate) fn texts<'a>(
    pieces: &'a [&'a str],
    seed: u64,
    count: usize,
    most: usize,
) -> impl Iterator<Item = String> + 'a {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..next() % (most + 1) {
            text.push_str(pieces[next() % pieces.len()]);
        }
        text
    })
}
