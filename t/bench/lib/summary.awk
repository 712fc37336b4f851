# make bench's last table: every benchmark's comparisons with outside tools, side
# by side.  Reads the file named by BENCH_SUMMARY, to which each t/bench/*.sh
# appends its rows, one a line, seven fields separated by tabs:
#   what  ecap's figure  outside tool  its figure  ratio  target  met
# the ratio is how many times ecap is ahead (faster, or smaller); target and met
# are empty where the benchmark states no target.  A line of one field is a note
# (a benchmark skipped), printed under the table.
BEGIN {
	FS = "\t"
	head[1] = "what"; head[2] = "ecap"; head[3] = "outside tool"; head[4] = "its figure"
	head[5] = "ratio"; head[6] = "target"; head[7] = ""
	for (i = 1; i <= 7; i++)
		w[i] = length(head[i])
}
NF == 1 {
	note[++nnotes] = $1
	next
}
NF == 7 {
	n++
	for (i = 1; i <= 7; i++) {
		cell[n, i] = $i
		if (length($i) > w[i])
			w[i] = length($i)
	}
	next
}
{
	printf "bench summary: %s:%d: %d fields, want 7 (or 1)\n", FILENAME, FNR, NF > "/dev/stderr"
	bad = 1
}
END {
	if (n > 0) {
		print "summary: ecap against outside tools (ratio: how many times ecap is ahead, faster or smaller)"
		line(head)
		for (r = 1; r <= n; r++) {
			for (i = 1; i <= 7; i++)
				c[i] = cell[r, i]
			line(c)
		}
	}
	for (k = 1; k <= nnotes; k++)
		print "  " note[k]
	exit bad
}
# line CELLS: one row of the table; the figures and the ratio right-aligned.
function line(cells,    i, s) {
	s = "  " sprintf("%-" w[1] "s", cells[1])
	s = s "  " sprintf("%" w[2] "s", cells[2])
	s = s "  " sprintf("%-" w[3] "s", cells[3])
	s = s "  " sprintf("%" w[4] "s", cells[4])
	s = s "  " sprintf("%" w[5] "s", cells[5])
	s = s "  " sprintf("%-" w[6] "s", cells[6])
	s = s "  " cells[7]
	sub(/ +$/, "", s)
	print s
}
