# SPDX-License-Identifier: Apache-2.0
# Shared by the device pool e2e tests (sourced after e2e_lib.sh): a sampler of which of our
# instances has which item of the pool device "tty", and the job store's holds.

SAMPLER_PID=
stop_sampler() {
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; fi
  SAMPLER_PID=
}
# Every 200 ms, one line to $E2E_WORK/samples: "instance=source" for each of our instances
# that has the device; HOOK (optional) runs with each such instance's name, with no standard
# input (the listing is read on descriptor 3). One listing per
# sample: LXD reads every instance's devices at once, so a sample is one moment (asking
# instance by instance, a sample spanned a removal and the next claim of its item, and
# showed the item twice).
sample_devices() {
  local name src line listing
  while :; do
    line=
    listing=$(lxc list "$E2E_PREFIX-" --format csv -c n,devices:tty.source 2>/dev/null) || listing=
    while IFS=, read -r name src <&3; do
      case $name in "$E2E_PREFIX"-*) ;; *) continue ;; esac
      [ -n "$src" ] || continue
      line="$line $name=$src"
      [ -z "${1:-}" ] || "$1" "$name" </dev/null
    done 3<<<"$listing"
    echo "${line# }" >>"$E2E_WORK/samples"
    sleep 0.2
  done
}
start_sampler() {  # [HOOK]
  : >"$E2E_WORK/samples"
  sample_devices "$@" &
  SAMPLER_PID=$!
}
# At most two instances with an item in any sample, never one item on two; sets MAX_SEEN.
check_samples() {
  MAX_SEEN=$(awk '{ if (NF > m) m = NF } END { print m + 0 }' "$E2E_WORK/samples")
  [ "$MAX_SEEN" -le 2 ] || e2e_fail "$MAX_SEEN instances with an item at once, with a pool of two: $(awk 'NF > 2' "$E2E_WORK/samples" | head -n 3)"
  local twice
  twice=$(awk '{ delete seen; for (i = 1; i <= NF; i++) { split($i, p, "="); if (seen[p[2]]++) print } }' "$E2E_WORK/samples" | head -n 3)
  [ -z "$twice" ] || e2e_fail "one item on two instances at once: $twice"
}

holds() { sqlite3 "$E2E_WORK/state/jobs.sqlite" "SELECT COUNT(*) FROM device_holds" 2>/dev/null; }
no_holds() { [ "$(holds)" = 0 ]; }
two_holds() { [ "$(holds)" = 2 ]; }
