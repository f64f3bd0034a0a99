package jobspec

import (
	"bytes"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// lineStart returns the byte offset where 1-based line starts (len(src)
// past the end).
func lineStart(src []byte, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := indexByteFrom(src, off, '\n')
		if i < 0 {
			return len(src)
		}
		off = i + 1
	}
	return off
}

func indexByteFrom(src []byte, from int, c byte) int {
	if from >= len(src) {
		return -1
	}
	if i := bytes.IndexByte(src[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// prevLineStart is the offset where the line before the one starting at
// start (a line start, > 0) begins. Walking up a file line by line goes
// through this, not lineStart, which counts from the top each time.
func prevLineStart(src []byte, start int) int {
	return bytes.LastIndexByte(src[:start-1], '\n') + 1
}

// lineEnd is the offset of the '\n' ending the line that holds off, or
// len(src).
func lineEnd(src []byte, off int) int {
	if i := indexByteFrom(src, off, '\n'); i >= 0 {
		return i
	}
	return len(src)
}

// offsetOf converts a node's 1-based line and column (yaml.v3 counts
// columns in characters) to a byte offset.
func offsetOf(src []byte, line, col int) int {
	off := lineStart(src, line)
	for c := 1; c < col && off < len(src) && src[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}

func nodeOffset(src []byte, n *yaml.Node) int { return offsetOf(src, n.Line, n.Column) }

// indentOf counts the leading spaces of the line starting at off.
func indentOf(src []byte, off int) int {
	n := 0
	for off+n < len(src) && src[off+n] == ' ' {
		n++
	}
	return n
}

// scalarEnd returns the offset just past the scalar (or alias) token that
// starts at start. inFlow says the token is inside [...] or {...}, where
// plain scalars also end at ',', ']' and '}'.
func scalarEnd(src []byte, start int, style yaml.Style, inFlow bool) int {
	if start >= len(src) {
		return start
	}
	switch {
	case src[start] == '"':
		for i := start + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(src)
	case src[start] == '\'':
		for i := start + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(src)
	}
	end := start
	for i := start; i < len(src); i++ {
		c := src[i]
		if c == '\n' || c == '\r' {
			break
		}
		if c == '#' && i > start && (src[i-1] == ' ' || src[i-1] == '\t') {
			break
		}
		if inFlow && (c == ',' || c == ']' || c == '}') {
			break
		}
		if c != ' ' && c != '\t' {
			end = i + 1
		}
	}
	return end
}

// entryEnd returns the offset of the start of the line after the last line
// that belongs to the mapping entry whose key starts at keyOff: lines
// indented deeper than the key, a block sequence at the key's own indent,
// and comments indented deeper. Blank lines and shallower comments after
// the entry are not part of it, so they stay where they are.
func entryEnd(src []byte, keyOff int, keyIndent int, seqAtKeyIndent bool) int {
	end := lineEnd(src, keyOff)
	last := end // end of the last line that belongs to the entry
	off := end + 1
	for off < len(src) {
		le := lineEnd(src, off)
		line := src[off:le]
		ind := indentOf(src, off)
		rest := line[min(ind, len(line)):]
		switch {
		case len(trimSpace(rest)) == 0:
			// blank: undecided
		case rest[0] == '#':
			if ind > keyIndent {
				last = le
			}
		case ind > keyIndent:
			last = le
		case ind == keyIndent && seqAtKeyIndent && (rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')):
			last = le
		default:
			return lineAfter(src, last)
		}
		off = le + 1
	}
	return lineAfter(src, last)
}

func lineAfter(src []byte, lineEndOff int) int {
	if lineEndOff >= len(src) {
		return len(src)
	}
	return lineEndOff + 1
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}
