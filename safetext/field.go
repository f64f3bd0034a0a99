package safetext

// Field makes one value from a cluster safe for one cell of a table or one
// line of a message (a SLURM state, reason or node list, a job name, a
// remote path): escape sequences are removed as by Plain, and every control
// character left (newline and tab included, which would break the line or
// the columns) becomes '?', as by Label.
func Field(s string) string {
	if plainASCII(s) {
		return s
	}
	return Label(Plain(s))
}
