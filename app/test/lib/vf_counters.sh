# hvsim's counters for the VF scenarios (sourced by pmd_vf.sh, distro_vf.sh).
# The script defines vf_ctl ARGS...: `hvsim ctl` on its run.
#
#   vf_field NAME        a field of hvsim's "nic0 vf ..." line (datapath, vf_rx, ...)
#   syn_count NAME       a counter summed over NIC 0's synthetic channels
#   gen_back_now         frames gen has had back so far
#   gen_untagged_now     of those, ones of its tagged flow back without a tag
#   gen_back_is N, gen_sent_all N, gen_untagged_over N, datapath_is vf|synthetic
#                        (for wait_for)
#   wait_for SECS CMD... until CMD succeeds (0.1 s steps); 1 if it never does

vf_field() { vf_ctl counters | awk -v f="$1" '$1 == "nic0" && $2 == "vf" {
	for (i = 3; i < NF; i++) if ($i == f) print $(i + 1) }'; }
syn_count() { vf_ctl counters | awk -v f="$1" '$1 ~ /^dev0\./ && $2 == f { s += $3 } END { print s + 0 }'; }
gen_back_now() { vf_ctl counters | sed -n 's/^gen: sent [0-9]*, back \([0-9]*\),.*/\1/p'; }
gen_untagged_now() { vf_ctl counters | sed -n 's/^gen: .*, untagged \([0-9]*\).*/\1/p'; }
gen_untagged_over() { [ "$(gen_untagged_now)" -gt "$1" ]; }
gen_back_is() { [ "$(gen_back_now)" = "$1" ]; }
gen_sent_all() { vf_ctl counters | grep -q "^gen: sent $1,"; }
datapath_is() { [ "$(vf_field datapath)" = "$1" ]; }
wait_for() {
	local secs=$1
	shift
	for _ in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
	return 1
}
