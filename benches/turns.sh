#!/usr/bin/env bash
# Compares the wall time of two builds of revlens run with all their workers,
# one build after the other, in the order A B, B A, A B, ... so that neither
# always runs first, and reports the ratio (B / A) round by round, then its
# mean, its standard error and the mean time of each.
#
#   bash benches/turns.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]
#
# CORPUS defaults to the 105 MB generated corpus (/tmp/revlens-bench/corpus-100MB,
# made by compare.sh or `cargo run --release --example gen_corpus -- DIR 100MB`),
# ROUNDS to 16, COMMAND to `themes`, and the format to csv (FORMAT=json in the
# environment for another).
#
# Why this as well as pair.sh: pair.sh gives each build one core and compares
# CPU time, which cannot see how well a build keeps both cores busy (workers
# waiting for each other, output that holds them up). Only wall time with
# every worker running shows that, and it must be taken one build at a time.
# Two runs back to back meet much the same load from the machine's other
# work, so the ratio of the pair holds better than either time; a mean ratio
# more than about two standard errors from 1 is a real difference.
set -euo pipefail

A=${1:?usage: turns.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]}
B=${2:?usage: turns.sh OLD_BINARY NEW_BINARY [CORPUS] [ROUNDS] [COMMAND]}
CORPUS=${3:-/tmp/revlens-bench/corpus-100MB}
ROUNDS=${4:-16}
COMMAND=${5:-themes}
FORMAT=${FORMAT:-csv}

for binary in "$A" "$B"; do
  [ -x "$binary" ] || { echo "turns.sh: $binary is not an executable file" >&2; exit 2; }
done
[ -d "$CORPUS" ] || {
  echo "turns.sh: no corpus at $CORPUS; make one with: cargo run --release --example gen_corpus -- $CORPUS 100MB" >&2
  exit 2
}
[ -x /usr/bin/time ] || { echo "turns.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# wall_seconds BINARY: runs BINARY on the corpus and prints its wall time
wall_seconds() {
  /usr/bin/time -f '%e' -o "$WORK/time" \
    "$1" "$COMMAND" "$CORPUS" --format "$FORMAT" > /dev/null 2> "$WORK/err" ||
    { echo "turns.sh: $1 failed:" >&2; cat "$WORK/err" >&2; exit 1; }
  cat "$WORK/time"
}

echo "A = $A"
echo "B = $B"
echo "revlens $COMMAND $CORPUS --format $FORMAT, $ROUNDS rounds"
: > "$WORK/rounds"
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    seconds_a=$(wall_seconds "$A")
    seconds_b=$(wall_seconds "$B")
  else
    seconds_b=$(wall_seconds "$B")
    seconds_a=$(wall_seconds "$A")
  fi
  ratio=$(awk -v a="$seconds_a" -v b="$seconds_b" 'BEGIN { printf "%.3f", b / a }')
  echo "$seconds_a $seconds_b $ratio" >> "$WORK/rounds"
  printf 'round %2d: A %6.2f s  B %6.2f s  B/A %s\n' "$round" "$seconds_a" "$seconds_b" "$ratio"
done
awk '
  { a += $1; b += $2; sum += $3; squares += $3 * $3 }
  END {
    mean = sum / NR
    sd = (NR > 1) ? sqrt((squares - NR * mean * mean) / (NR - 1)) : 0
    printf "mean A %.3f s, mean B %.3f s\n", a / NR, b / NR
    printf "B/A: mean %.3f, standard error %.3f (%d rounds)\n", mean, sd / sqrt(NR), NR
  }' "$WORK/rounds"
