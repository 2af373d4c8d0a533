#!/usr/bin/env bash
# Compares two builds of revlens on the same job by running them at the same
# time, one on each core, swapping cores every round, and reports the ratio
# of their CPU times (B / A) round by round, then its mean, median and
# standard deviation.
#
#   bash benches/pair.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]
#
# e.g. after `cp target/release/revlens /tmp/revlens-old`, a change and
# `cargo build --release`:
#
#   bash benches/pair.sh /tmp/revlens-old target/release/revlens
#
# CORPUS defaults to the 10 MB generated corpus (/tmp/revlens-bench/corpus-10MB,
# made by compare.sh or `cargo run --release --example gen_corpus -- DIR 10MB`),
# ROUNDS to 20, COMMAND to `themes` (any command that takes a folder and
# `--format`), and the format to csv (FORMAT=json in the environment for
# another, e.g. `FORMAT=json bash benches/pair.sh OLD NEW "" 20 analyse`).
# Each build runs with `--jobs 1`.
#
# Why pairs: on a machine shared with other work, timings of the same build
# spread by 20% or more from one minute to the next, which hides the few
# per cent a single change makes. Two builds running side by side meet the
# same disturbance at the same moment, so the ratio of their times holds
# still where the times themselves do not; swapping cores evens out a core
# that is busier than the other. A ratio whose mean is more than about two
# standard deviations divided by the square root of ROUNDS from 1 is a real
# difference. Run a build against a copy of itself to see the noise.
set -euo pipefail

A=${1:?usage: pair.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]}
B=${2:?usage: pair.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]}
CORPUS=${3:-/tmp/revlens-bench/corpus-10MB}
FORMAT=${FORMAT:-csv}
ROUNDS=${4:-20}
COMMAND=${5:-themes}

for binary in "$A" "$B"; do
  [ -x "$binary" ] || { echo "pair.sh: $binary is not an executable file" >&2; exit 2; }
done
[ -d "$CORPUS" ] || {
  echo "pair.sh: no corpus at $CORPUS; make one with: cargo run --release --example gen_corpus -- $CORPUS 10MB" >&2
  exit 2
}
command -v taskset > /dev/null || { echo "pair.sh: needs taskset (util-linux)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "pair.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# cpu_seconds CORE BINARY OUT: runs BINARY on CORE, writes user+system seconds to OUT
cpu_seconds() {
  taskset -c "$1" /usr/bin/time -f '%U %S' -o "$3.time" \
    "$2" "$COMMAND" "$CORPUS" --format "$FORMAT" --jobs 1 > /dev/null 2> "$3.err" ||
    { echo "pair.sh: $2 failed:" >&2; cat "$3.err" >&2; exit 1; }
  awk '{ print $1 + $2 }' "$3.time" > "$3"
}

echo "A = $A"
echo "B = $B"
echo "revlens $COMMAND $CORPUS --format $FORMAT --jobs 1, $ROUNDS rounds"
: > "$WORK/ratios"
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then core_a=0 core_b=1; else core_a=1 core_b=0; fi
  cpu_seconds "$core_a" "$A" "$WORK/a" &
  pid_a=$!
  cpu_seconds "$core_b" "$B" "$WORK/b" &
  pid_b=$!
  wait "$pid_a" "$pid_b"
  read -r seconds_a < "$WORK/a"
  read -r seconds_b < "$WORK/b"
  ratio=$(awk -v a="$seconds_a" -v b="$seconds_b" 'BEGIN { printf "%.3f", b / a }')
  echo "$ratio" >> "$WORK/ratios"
  printf 'round %2d: A %6.2f s  B %6.2f s  B/A %s\n' "$round" "$seconds_a" "$seconds_b" "$ratio"
done
sort -n "$WORK/ratios" | awk '
  { r[NR] = $1; sum += $1; squares += $1 * $1 }
  END {
    mean = sum / NR
    median = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    sd = (NR > 1) ? sqrt((squares - NR * mean * mean) / (NR - 1)) : 0
    printf "B/A: mean %.3f, median %.3f, standard deviation %.3f, standard error %.3f\n", mean, median, sd, sd / sqrt(NR)
  }'
