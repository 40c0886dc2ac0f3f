#!/bin/bash
#
# make-large-archive.sh OUT_BASE [COPIES]
#
# Build a large, real, multi-day PCP archive (format v2) for benchmarking
# pmsql's Java decoder against libpcp (tools/pcp-oracle bench): COPIES
# time-shifted copies of one corpus archive, made with pmlogrewrite and
# concatenated with pmlogextract into OUT_BASE.{0,meta,index}.
#
# Environment overrides:
#   SRC         source archive  (default: the PCP testsuite's dm-io)
#   STEP_SECS   shift between consecutive copies, in seconds (default 3600)
#   PCP_ORACLE  pcp-oracle binary used to count values (default: looked up
#               next to tools/pcp-oracle/pcp-oracle.c, then on PATH)
#
# Why dm-io and why so many copies by default: pmlogrewrite's global
# "time -> delta" rule (PCP 6.0.3, and unchanged upstream at the time of
# writing) shifts an instance-domain or label record's timestamp again every
# time it peeks at that record and puts it back because it belongs after the
# current data record.  Such records end up with garbage timestamps (even
# 1901) and everything queued behind them is written late, so instance names
# are lost.  Of the large corpus archives only dm-io and simple-nvme survive
# that unharmed (all their indoms precede the first data record); dm-io has
# the most values (135,360 per copy), so ~150 copies are needed to reach
# ~20 million values.  The script checks that the first copy kept all of
# the source's instance-domain records and stops if not (matters when SRC
# is overridden).

set -euo pipefail

usage() {
    echo "Usage: $0 OUT_BASE [COPIES]" >&2
    exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
copies=${2:-150}
case "$copies" in
    ''|*[!0-9]*) usage ;;
esac
[ "$copies" -ge 1 ] || usage

src=${SRC:-/var/lib/pcp/testsuite/archives/dm-io}
step=${STEP_SECS:-3600}
case "$step" in
    ''|*[!0-9]*) echo "$0: STEP_SECS must be a whole number of seconds" >&2; exit 1 ;;
esac

# pmlogrewrite is an admin tool: usually in $PCP_BINADM_DIR, not on PATH.
pmlogrewrite=$(command -v pmlogrewrite || true)
if [ -z "$pmlogrewrite" ]; then
    binadm=$(sed -n 's/^PCP_BINADM_DIR=//p' "${PCP_CONF:-/etc/pcp.conf}" 2>/dev/null || true)
    pmlogrewrite=${binadm:-/usr/lib/pcp/bin}/pmlogrewrite
fi
[ -x "$pmlogrewrite" ] || { echo "$0: cannot find pmlogrewrite" >&2; exit 1; }
command -v pmlogextract >/dev/null || { echo "$0: pmlogextract not on PATH" >&2; exit 1; }

# pmlogextract refuses to overwrite; say so up front rather than after the work.
if compgen -G "$out.*" >/dev/null; then
    echo "$0: $out.* already exists; remove it first" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-large-archive.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Count instance-domain records as stored on disk (-I: no libpcp merging).
indom_records() {
    pmdumplog -I "$1" 2>/dev/null | grep -c ' instances$' || true
}

start=$(date +%s.%N)
echo "source: $src  copies: $copies  step: ${step}s"

inputs=()
for ((i = 0; i < copies; i++)); do
    shift_secs=$((i * step))
    # delta syntax is [+]hours:minutes:seconds; hours may exceed 24
    printf 'global { time -> +%d:%02d:%02d }\n' \
        $((shift_secs / 3600)) $((shift_secs % 3600 / 60)) $((shift_secs % 60)) \
        >"$tmp/shift.conf"
    "$pmlogrewrite" -c "$tmp/shift.conf" "$src" "$tmp/copy$i"
    if [ "$i" -eq 1 ] || [ "$copies" -eq 1 ]; then
        # copy 0 has a zero shift, so copy 1 is the first that can be damaged
        want=$(indom_records "$src")
        got=$(indom_records "$tmp/copy$i")
        if [ "$want" != "$got" ]; then
            echo "$0: pmlogrewrite mangled $src ($want indom records became $got);" \
                 "pick another SRC" >&2
            exit 1
        fi
    fi
    inputs+=("$tmp/copy$i")
done

# Inputs are already in time order and do not overlap, so pmlogextract just
# concatenates (adding a <mark> record at each boundary, as it would for any
# gap).  -V 2 pins the output format even if the source is v3.
pmlogextract -V 2 "${inputs[@]}" "$out"
rm -rf "$tmp"/copy*

end=$(date +%s.%N)
echo "built in $(echo "$end - $start" | bc) s"

ls -l "$out".*
total=$(stat -c %s "$out".* | awk '{ s += $1 } END { print s }')
echo "total bytes: $total"
pmdumplog -l "$out" | sed -n 's/^ *\(commencing\|ending\)/\1/p'

# Count values with the libpcp benchmark anchor if it is at hand; otherwise
# fall back to pmdumplog, which is much slower and counts "value" lines.
oracle=${PCP_ORACLE:-}
if [ -z "$oracle" ]; then
    here=$(cd "$(dirname "$0")" && pwd)
    for cand in "$here/../tools/pcp-oracle/pcp-oracle" "$(command -v pcp-oracle || true)"; do
        if [ -n "$cand" ] && [ -x "$cand" ]; then
            oracle=$cand
            break
        fi
    done
fi
if [ -n "$oracle" ]; then
    "$oracle" bench "$out" 1
else
    echo "values (pmdumplog): $(pmdumplog "$out" | grep -c ' value ')"
fi
