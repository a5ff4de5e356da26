# Mbuf accounting from a testpmd log (sourced, not run): every
# `dump_mempool` in the log is a sample; the first must be taken once ports
# are started and before traffic, the last after `stop` and `port stop all`.
# A mempool with more mbufs in use at the last than at the first leaked
# them (or a stopped port still holds some). Needs fail() from common.sh.
#
# rte_mempool_dump (DPDK 22.11) prints no in-use count: it is
# populated_size - common_pool_count - total_cache_count, as
# rte_mempool_in_use_count computes it (objects in lcore caches are free).

# The log with testpmd's fully buffered stdout put back together: command
# echoes ("testpmd> cmd", written straight to the terminal fd) can land
# inside a line of buffered output when that buffer is flushed late.
testpmd_log_joined() {
	awk '
	{
		if ((i = index($0, "testpmd> ")) > 0) {
			carry = carry substr($0, 1, i - 1)
			next
		}
		print carry $0
		carry = ""
	}
	END { if (carry != "") print carry }' "$1"
}

# One line per mempool per dump: "SAMPLE POOL IN_USE", SAMPLE counting from 1.
mbuf_in_use_samples() {
	testpmd_log_joined "$1" | awk '
	/^mempool <.*>@/ {
		pool = $2
		sub(/^</, "", pool); sub(/>@.*/, "", pool)
		sample[pool]++
		populated = common = ""
		cached = 0
		next
	}
	pool != "" && /^  populated_size=/ { populated = substr($0, index($0, "=") + 1) }
	pool != "" && /^    total_cache_count=/ { cached = substr($0, index($0, "=") + 1) }
	pool != "" && /^  common_pool_count=/ {
		common = substr($0, index($0, "=") + 1)
		if (populated != "")
			print sample[pool], pool, populated - common - cached
		pool = ""
	}'
}

# Fail if any mempool has more mbufs in use in the last dump than in the
# first (a leak); fewer is fine: the first sample may catch mbufs in flight.
# $2 names the case in the message. Prints both samples.
mbuf_check_no_leak() {
	local log=$1 what=$2 samples verdict
	samples=$(mbuf_in_use_samples "$log")
	[ -n "$samples" ] || fail "$what: no dump_mempool output in $log"
	verdict=$(echo "$samples" | awk '
	{
		if (!($2 in first)) { first[$2] = $3; order[++n] = $2 }
		last[$2] = $3; count[$2]++
	}
	END {
		bad = 0
		for (k = 1; k <= n; k++) {
			p = order[k]
			printf "mbuf: %s in use %d at start, %d at end (%d samples)\n",
				p, first[p], last[p], count[p]
			if (count[p] < 2) { print "error: " p " sampled once"; bad = 1 }
			else if (last[p] > first[p]) { print "error: " p " leaked"; bad = 1 }
		}
		exit bad
	}')
	local rc=$?
	echo "$verdict"
	[ $rc -eq 0 ] || fail "$what: more mbufs in use at the end than at the start"
}
