# Shared by the benchmark scripts: `measure` runs a command under /usr/bin/time -v and appends
# "wall_seconds peak_kib cpu_seconds" to a file; `median` takes a column's median. Both need
# $WORK (a scratch folder).

measure() {
    local into=$1
    shift
    local log=$WORK/time.log
    if ! /usr/bin/time -v -o "$log" "$@" >"$WORK/last.stdout" 2>"$WORK/last.stderr"; then
        echo "failed: $*" >&2
        tail -20 "$WORK/last.stderr" >&2
        exit 1
    fi
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            wall = s
        }
        /Maximum resident set size/ { rss = $2 }
        /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
        END { printf "%.3f %d %.2f\n", wall, rss, cpu }' "$log" >>"$into"
}

median() { # column of a measurement file -> median
    sort -g <(awk -v c="$2" '{ print $c }' "$1") | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
