package tail

// DefaultRingLines is a pane's default line budget: enough to scroll back
// through a phase's output, small enough that a redraw stays cheap (the
// full log stays on the cluster).
const DefaultRingLines = 5000

// Ring keeps the last N lines appended to it. Not safe for concurrent use.
type Ring struct {
	buf     []string
	start   int // index of the oldest line in buf
	n       int
	dropped int64
}

// NewRing keeps up to capacity lines (DefaultRingLines when <= 0).
func NewRing(capacity int) *Ring {
	if capacity <= 0 {
		capacity = DefaultRingLines
	}
	return &Ring{buf: make([]string, capacity)}
}

// Append adds lines at the end, dropping the oldest beyond the capacity.
func (r *Ring) Append(lines ...string) {
	c := len(r.buf)
	if len(lines) > c {
		r.dropped += int64(r.n + len(lines) - c)
		lines = lines[len(lines)-c:]
		copy(r.buf, lines)
		r.start, r.n = 0, c
		return
	}
	for _, l := range lines {
		if r.n < c {
			r.buf[(r.start+r.n)%c] = l
			r.n++
			continue
		}
		r.buf[r.start] = l
		r.start = (r.start + 1) % c
		r.dropped++
	}
}

// Len is the number of lines kept.
func (r *Ring) Len() int { return r.n }

// Cap is the most lines kept.
func (r *Ring) Cap() int { return len(r.buf) }

// Dropped counts the lines pushed out since the last Reset.
func (r *Ring) Dropped() int64 { return r.dropped }

// At is the i-th kept line, 0 being the oldest.
func (r *Ring) At(i int) string {
	if i < 0 || i >= r.n {
		panic("tail: Ring index out of range")
	}
	return r.buf[(r.start+i)%len(r.buf)]
}

// Lines copies the kept lines, oldest first.
func (r *Ring) Lines() []string {
	out := make([]string, r.n)
	for i := range out {
		out[i] = r.buf[(r.start+i)%len(r.buf)]
	}
	return out
}

// Reset empties the ring (the file was truncated or replaced).
func (r *Ring) Reset() {
	clear(r.buf)
	r.start, r.n, r.dropped = 0, 0, 0
}
