#!/usr/bin/env bash
# Times revlens against ripgrep (the same patterns: the union of the built-in
# rules' `any` patterns) and against a Python baseline, on corpora generated
# from the sample reviews, and writes the figures to benches/runs/DATE.md
# (DATE-2.md, ... for later runs the same day). It also times revlens with
# one rule that never matches, to tell what the rules cost from what reading
# and laying out the documents costs.
#
#   bash benches/compare.sh
#
# Settings (environment): WORK (where corpora go, default /tmp/revlens-bench),
# SIZE (main corpus, 100MB), BIG (linearity check, 400MB), HUGE (memory
# check, 1GB; empty to skip), PY_SIZE (corpus for the Python baseline, 10MB;
# its time is scaled linearly to SIZE, since it makes one pass per pattern
# and document; a copy with non-ASCII letters is timed too, and such a
# copy of the main corpus is measured for memory), RUNS (timed runs per
# command, 5), RUNS_ALTERNATING (runs of `themes` with one worker and with
# two, 5), ONLY=memory (measure peak memory only, writing
# benches/runs/DATE-memory.md: memory is not disturbed by other work on the
# machine, so it can be measured when timing cannot).
# Commands compared with each other are timed in turn, a run of each per
# round after a warm-up round (see `in_turn`), each run by hyperfine where
# installed, else by bash, and each command's fastest run is kept. The
# fastest run, not the mean: on a machine shared with other work, a slow run
# says what else was running, and one such run in a mean skews the ratios.
# Peak memory is measured with GNU time (/usr/bin/time). Everything is
# measured in one run of this script, so the ratios compare like with like
# on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-/tmp/revlens-bench}
SIZE=${SIZE:-100MB}
BIG=${BIG:-400MB}
HUGE=${HUGE-1GB}
PY_SIZE=${PY_SIZE:-10MB}
RUNS=${RUNS:-5}
REVLENS=$PWD/target/release/revlens

cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
mkdir -p "$WORK" benches/runs

corpus() { # SIZE -> folder (generated once per size; generation is deterministic)
  local dir="$WORK/corpus-$1"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    ./target/release/examples/gen_corpus "$dir" "$1" >&2
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# failed WHAT : says which command failed and stops the script. A run that
# fails must not leave a time behind: hyperfine would leave the previous
# run's result file, and the ratios would be made from it.
failed() {
  echo "compare.sh: this command failed, so nothing was written: $1" >&2
  echo "compare.sh: run it by hand to see its error." >&2
  exit 1
}

# once COMMAND... : wall-clock seconds of one run of the command (output
# discarded), timed by hyperfine where installed, else by bash; fails if the
# command does.
once() {
  if command -v hyperfine > /dev/null; then
    rm -f "$WORK/h.json"
    hyperfine -N --style none --runs 1 --export-json "$WORK/h.json" \
      --output=null -- "$(printf '%q ' "$@")" > /dev/null 2>&1 || return 1
    python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["min"])' "$WORK/h.json"
  else
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || return 1
    end=$(date +%s.%N)
    # bc prints `.86...`: three decimals with a leading zero, as hyperfine's.
    printf '%.3f\n' "$(echo "$end - $start" | bc)"
  fi
}

# named NAME COMMAND... : names a command for in_turn.
declare -A NAMED
named() { NAMED[$1]=$(printf '%q ' "${@:2}"); }

# in_turn NAME... : the fastest of RUNS runs of each named command, printed
# on one line in the order named; stops the script if one fails, so call it
# in this shell, not in a pipeline or a process substitution. The commands
# are run in turn, one run of each per round after a warm-up round, not as
# one series after another: on a machine shared with other work, a series
# timed while another job held a core is slowed throughout, and its ratio to
# a series timed a minute later says more about that job than about revlens
# (two runs at ac96723 timed that way put `themes` at 2.98x and 3.88x
# ripgrep). Taken in turn, every command meets the machine's other work
# alike.
in_turn() {
  local name round took
  for name in "$@"; do
    eval "local argv=(${NAMED[$name]})"
    "${argv[@]}" > /dev/null 2>&1 || failed "${NAMED[$name]}"
  done
  for round in $(seq "$RUNS"); do
    for name in "$@"; do
      eval "local argv=(${NAMED[$name]})"
      took=$(once "${argv[@]}") || failed "${NAMED[$name]}"
      echo "$name $took"
    done
  done > "$WORK/turns.txt"
  for name in "$@"; do
    awk -v n="$name" '$1 == n { print $2 }' "$WORK/turns.txt" | sort -n | head -1
  done | paste -sd' '
}

# peak_mib COMMAND... : peak resident memory in MiB
peak_mib() {
  /usr/bin/time -f %M -o "$WORK/mem" "$@" > /dev/null 2>&1 || failed "$*"
  echo $(( $(cat "$WORK/mem") / 1024 ))
}

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

MAIN=$(corpus "$SIZE")
PATTERNS="$WORK/patterns.txt"
"$REVLENS" rules list --patterns > "$PATTERNS"
bytes() { du -sb --exclude=.complete "$1" | cut -f1; }
MAIN_BYTES=$(bytes "$MAIN")
DOCS=$(find "$MAIN" -name '*.txt' | wc -l)

# accented DIR -> a copy of DIR with a name spelt with a diaeresis after
# every full stop: non-ASCII letters in almost every paragraph, as in
# reviews that name a Zoë or a José, where Unicode word boundaries matter.
accented() {
  local dir="$1-accented"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    for f in "$1"/*.txt; do
      sed 's/\. /. Zoë /g' "$f" > "$dir/$(basename "$f")"
    done
    touch "$dir/.complete"
  fi
  echo "$dir"
}

mb() { python3 -c "import sys; print('%.0f' % (int(sys.argv[1]) / 1e6))" "$1"; }

memory() {
  echo "memory..." >&2
  MEM_MAIN=$(peak_mib "$REVLENS" analyse "$MAIN" --format json)
  MEM_THEMES=$(peak_mib "$REVLENS" themes "$MAIN" --format csv)
  MEM_ACCENTED=$(peak_mib "$REVLENS" analyse "$(accented "$MAIN")" --format json)
  if [ -n "$HUGE" ]; then
    HUGE_DIR=$(corpus "$HUGE")
    HUGE_BYTES=$(bytes "$HUGE_DIR")
    HUGE_DOCS=$(find "$HUGE_DIR" -name '*.txt' | wc -l)
    MEM_HUGE=$(peak_mib "$REVLENS" analyse "$HUGE_DIR" --format json)
  else
    HUGE_BYTES=0 HUGE_DOCS=0 MEM_HUGE="(skipped)"
  fi
}

header() {
  echo "# $1 $(date -Iseconds)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)."
  echo "revlens $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $("$REVLENS" rules list | tail -1)."
}

memory_line() {
  local huge="not measured (HUGE empty)"
  [ -n "$HUGE" ] && huge="analyse $MEM_HUGE MiB at $(mb "$HUGE_BYTES") MB ($HUGE_DOCS documents)"
  echo "- peak memory: themes $MEM_THEMES MiB and analyse $MEM_MAIN MiB at $(mb "$MAIN_BYTES") MB ($DOCS documents); $huge; analyse $MEM_ACCENTED MiB on the $(mb "$MAIN_BYTES") MB corpus with \`Zoë\` after every full stop."
}

# result_file NAME: benches/runs/NAME.md, or NAME-2.md, NAME-3.md, ... if
# taken: a second run on the same day keeps the first one's record.
result_file() {
  local out="benches/runs/$1.md" n=2
  while [ -e "$out" ]; do
    out="benches/runs/$1-$n.md"
    n=$((n + 1))
  done
  echo "$out"
}

if [ "${ONLY:-}" = memory ]; then
  memory
  OUT=$(result_file "$(date +%Y-%m-%d)-memory")
  { header "Memory run"; echo; memory_line; } > "$OUT"
  cat "$OUT"
  echo "written to $OUT" >&2
  exit 0
fi

PY=$(corpus "$PY_SIZE")
PY_BYTES=$(bytes "$PY")

# The same commands with one rule that never matches in place of the
# built-in ones: what reading, layout, sections and records cost before
# any theme is looked for, the part of each ratio the rules do not add.
BARE_RULES="$WORK/bare-rules"
mkdir -p "$BARE_RULES"
cat > "$BARE_RULES/never.toml" <<'EOF'
[[rule]]
id = "never"
theme = "never"
any = ['\bzqxjkv\b']
EOF
BARE=(--no-default-rules --rules "$BARE_RULES")
named rg rg -c -i --no-unicode -f "$PATTERNS" "$MAIN"
named themes "$REVLENS" themes "$MAIN" --format csv
named analyse "$REVLENS" analyse "$MAIN" --format json
named analyse_noev "$REVLENS" analyse "$MAIN" --format json --max-evidence 0
named themes_bare "$REVLENS" themes "$MAIN" --format csv "${BARE[@]}"
named analyse_bare "$REVLENS" analyse "$MAIN" --format json "${BARE[@]}"
named themes_j1 "$REVLENS" themes "$MAIN" --format csv --jobs 1
named themes_j2 "$REVLENS" themes "$MAIN" --format csv --jobs 2

echo "timing on $MAIN ($DOCS documents)..." >&2
in_turn rg themes analyse analyse_noev themes_bare analyse_bare > "$WORK/times"
read -r RG THEMES ANALYSE ANALYSE_NOEV THEMES_BARE ANALYSE_BARE < "$WORK/times"
RUNS=${RUNS_ALTERNATING:-5} in_turn themes_j1 themes_j2 > "$WORK/times"
read -r THEMES_J1 THEMES_J2 < "$WORK/times"

echo "python baseline on $PY..." >&2
# One run: it takes a minute and more, and the machine's other work moves
# it far less than its distance from the target.
PY_RUN=$(once python3 benches/baseline.py "$PATTERNS" "$PY") ||
  failed "python3 benches/baseline.py $PATTERNS $PY"
PY_SCALED=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) * int(sys.argv[2]) / int(sys.argv[3])))" "$PY_RUN" "$MAIN_BYTES" "$PY_BYTES")

ACCENTED=$(accented "$PY")
echo "non-ASCII letters on $ACCENTED..." >&2
named themes_plain "$REVLENS" themes "$PY" --format csv
named themes_accented "$REVLENS" themes "$ACCENTED" --format csv
in_turn themes_plain themes_accented > "$WORK/times"
read -r THEMES_PLAIN THEMES_ACCENTED < "$WORK/times"

BIG_DIR=$(corpus "$BIG")
BIG_BYTES=$(bytes "$BIG_DIR")
echo "linearity on $BIG_DIR..." >&2
named themes_big "$REVLENS" themes "$BIG_DIR" --format csv
RUNS=2 in_turn themes themes_big > "$WORK/times"
read -r THEMES_MAIN THEMES_BIG < "$WORK/times"

memory

OUT=$(result_file "$(date +%Y-%m-%d)")
{
  header "Benchmark run"
  echo "$(rg --version | sed -n 1p); $(python3 --version); timer: $(command -v hyperfine > /dev/null && hyperfine --version || echo bash), fastest of $RUNS runs of each command, taken in turn."
  echo "Patterns: $(wc -l < "$PATTERNS") (\`revlens rules list --patterns\`)."
  echo "Corpus: $(mb "$MAIN_BYTES") MB, $DOCS documents (\`gen_corpus $SIZE\`)."
  echo
  echo "| run | seconds | × rg |"
  echo "| --- | ---: | ---: |"
  echo "| \`rg -c -i --no-unicode -f patterns.txt\` | $RG | 1.00 |"
  echo "| \`revlens themes --format csv\` | $THEMES | $(ratio "$THEMES" "$RG") |"
  echo "| \`revlens analyse --format json\` | $ANALYSE | $(ratio "$ANALYSE" "$RG") |"
  echo "| \`revlens analyse --format json --max-evidence 0\` | $ANALYSE_NOEV | $(ratio "$ANALYSE_NOEV" "$RG") |"
  echo "| \`revlens themes\`, one rule that never matches | $THEMES_BARE | $(ratio "$THEMES_BARE" "$RG") |"
  echo "| \`revlens analyse\`, one rule that never matches | $ANALYSE_BARE | $(ratio "$ANALYSE_BARE" "$RG") |"
  echo "| Python \`re\`, one pass per pattern (measured on $(mb "$PY_BYTES") MB: $PY_RUN s, scaled) | $PY_SCALED | $(ratio "$PY_SCALED" "$RG") |"
  echo
  echo "- analyse is $(ratio "$PY_SCALED" "$ANALYSE")× faster than the Python baseline."
  echo "- themes \`--jobs 1\` $THEMES_J1 s, \`--jobs 2\` $THEMES_J2 s (the fastest of ${RUNS_ALTERNATING:-5} runs of each, taken in turn): $(ratio "$THEMES_J1" "$THEMES_J2")× from the second core."
  echo "- themes on the $(mb "$PY_BYTES") MB corpus with \`Zoë\` after every full stop: $THEMES_ACCENTED s, against $THEMES_PLAIN s without ($(ratio "$THEMES_ACCENTED" "$THEMES_PLAIN")×)."
  echo "- themes on $(mb "$BIG_BYTES") MB: $THEMES_BIG s against $THEMES_MAIN s, taken in turn: $(ratio "$THEMES_BIG" "$THEMES_MAIN")× the time for $(ratio "$BIG_BYTES" "$MAIN_BYTES")× the text."
  memory_line
} > "$OUT"
cat "$OUT"
echo "written to $OUT" >&2
