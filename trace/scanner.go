package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxToken bounds one token that must be held whole (a key, a kept string,
// a number); skipped values are never held, whatever their size.
const maxToken = 16 << 20

// maxDepth bounds the nesting of skipped values, so that hostile input cannot
// grow the bracket stack without limit.
const maxDepth = 1 << 16

// scanner is a forward-only byte cursor over a JSON stream. It keeps one
// window of the input; tokens that must stay contiguous are kept by sliding
// the window, everything else is consumed as it passes.
type scanner struct {
	src    io.Reader
	buf    []byte
	pos    int   // next unread byte in buf
	end    int   // bytes of buf that hold data
	base   int64 // stream offset of buf[0]
	lines  int64 // newlines in the stream before buf[0]
	lineAt int64 // stream offset just after the last newline before buf[0]
	srcErr error // sticky error from src, io.EOF at the end
	stack  []byte
}

func newScanner(src io.Reader, size int) *scanner {
	return &scanner{src: src, buf: make([]byte, size)}
}

// fill makes more bytes available, keeping buf[keep:] (keep <= pos) and
// discarding what is before it. It returns how far kept bytes moved left
// (subtract it from any index held by the caller), and false when the source
// has nothing more.
func (s *scanner) fill(keep int) (int, bool) {
	if s.srcErr != nil {
		return 0, false
	}
	if keep > 0 {
		s.account(keep)
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		s.end = n
	} else if s.end == len(s.buf) {
		if len(s.buf) >= maxToken {
			s.srcErr = errTokenTooLong
			return 0, false
		}
		grown := make([]byte, 2*len(s.buf))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for {
		n, err := s.src.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.srcErr = err
			return keep, n > 0
		}
		if n > 0 {
			return keep, true
		}
	}
}

var errTokenTooLong = fmt.Errorf("a key, name or number longer than %d bytes", maxToken)

// account records the newlines in buf[:n] before they are discarded, so
// that errors can name a line and column without a second pass.
func (s *scanner) account(n int) {
	seg := s.buf[:n]
	if c := bytes.Count(seg, newline); c > 0 {
		s.lines += int64(c)
		s.lineAt = s.base + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
}

var newline = []byte{'\n'}

// offset is the stream offset of the next unread byte.
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// where returns the 1-based line and column of the next unread byte.
func (s *scanner) where() (line, col int64) {
	seg := s.buf[:s.pos]
	line, at := s.lines, s.lineAt
	if c := bytes.Count(seg, newline); c > 0 {
		line += int64(c)
		at = s.base + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	return line + 1, s.offset() - at + 1
}

// ParseError says where a trace stopped making sense. The summary returned
// with it covers every event before Offset.
type ParseError struct {
	Path      string // the file, when known
	Offset    int64  // bytes of (decompressed) JSON read before the problem
	Line, Col int64
	Reason    string
	Err       error // the read error behind it, if any (io.ErrUnexpectedEOF, gzip errors)
}

func (e *ParseError) Error() string {
	of := ""
	if strings.HasSuffix(e.Path, ".gz") {
		// Line, column and offset count the JSON inside, not the .gz bytes.
		of = " of the decompressed JSON"
	}
	msg := fmt.Sprintf("%d:%d: truncated at byte %d%s: %s", e.Line, e.Col, e.Offset, of, e.Reason)
	if e.Path != "" {
		msg = e.Path + ":" + msg
	}
	return msg
}

func (e *ParseError) Unwrap() error { return e.Err }

// fail builds the error for the current position.
func (s *scanner) fail(format string, args ...any) error {
	line, col := s.where()
	pe := &ParseError{Offset: s.offset(), Line: line, Col: col, Reason: fmt.Sprintf(format, args...)}
	return pe
}

// failEOF explains running out of input in the middle of what.
func (s *scanner) failEOF(what string) error {
	pe := s.fail("unexpected end of data in %s", what).(*ParseError)
	if s.srcErr != nil && !errors.Is(s.srcErr, io.EOF) {
		pe.Err = s.srcErr
		pe.Reason = fmt.Sprintf("%s (in %s)", s.srcErr, what)
	} else {
		pe.Err = io.ErrUnexpectedEOF
	}
	return pe
}

// peek skips whitespace and returns the next byte without consuming it;
// ok is false at the end of the input.
func (s *scanner) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				return c, true
			}
			s.pos++
		}
		if _, ok := s.fill(s.pos); !ok {
			return 0, false
		}
	}
}

// expect consumes the byte c after optional whitespace.
func (s *scanner) expect(c byte, what string) error {
	got, ok := s.peek()
	if !ok {
		return s.failEOF(what)
	}
	if got != c {
		return s.fail("expected %q in %s, found %s", c, what, quoteByte(got))
	}
	s.pos++
	return nil
}

func quoteByte(c byte) string {
	if c >= ' ' && c < 0x7f {
		return fmt.Sprintf("%q", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// rawString consumes a string whose opening quote is at pos and returns its
// bytes between the quotes, still escaped, and whether it holds escapes.
// The slice is valid until the next call that reads input.
func (s *scanner) rawString() ([]byte, bool, error) {
	start := s.pos + 1
	i := start
	escaped := false
	for {
		if i >= s.end {
			shift, ok := s.fill(s.pos)
			start -= shift
			i -= shift
			if !ok {
				return nil, false, s.failEOF("a string")
			}
			continue
		}
		j := stringStop(s.buf[i:s.end])
		if j < 0 {
			i = s.end
			continue
		}
		if s.buf[i+j] == '\\' {
			// step over the backslash and the byte it escapes
			escaped = true
			i += j + 2
			continue
		}
		i += j
		s.pos = i + 1
		return s.buf[start:i], escaped, nil
	}
}

// stringStop returns the index of the first '"' or '\\' in seg, or -1.
// Most strings in a trace are short: a plain loop finds their end sooner
// than a vector search would start; long ones (kernel signatures) go to it.
func stringStop(seg []byte) int {
	n := min(len(seg), 32)
	for i, c := range seg[:n] {
		if c == '"' || c == '\\' {
			return i
		}
	}
	if n == len(seg) {
		return -1
	}
	rest := seg[n:]
	q := bytes.IndexByte(rest, '"')
	limit := len(rest)
	if q >= 0 {
		limit = q
	}
	if b := bytes.IndexByte(rest[:limit], '\\'); b >= 0 {
		return n + b
	}
	if q < 0 {
		return -1
	}
	return n + q
}

// skipString consumes a string whose opening quote is at pos without
// holding it, so a string of any length passes in constant memory.
func (s *scanner) skipString() error {
	s.pos++
	for {
		if s.pos >= s.end {
			if _, ok := s.fill(s.pos); !ok {
				return s.failEOF("a string")
			}
			continue
		}
		j := stringStop(s.buf[s.pos:s.end])
		if j < 0 {
			s.pos = s.end
			continue
		}
		if s.buf[s.pos+j] == '\\' {
			s.pos += j + 2
			if s.pos > s.end {
				// The escaped byte is still unread: discarding up to end
				// leaves pos just past it once more input arrives.
				if _, ok := s.fill(s.end); !ok {
					s.pos = s.end
					return s.failEOF("a string")
				}
			}
			continue
		}
		s.pos += j + 1
		return nil
	}
}

// byteClass marks the bytes that matter while skipping a container.
var byteClass = func() (t [256]bool) {
	for _, c := range []byte(`"{}[]`) {
		t[c] = true
	}
	return t
}()

// scalarEnd marks the bytes that end a number or literal.
var scalarEnd = func() (t [256]bool) {
	for _, c := range []byte(",}] \t\r\n:[{\"") {
		t[c] = true
	}
	return t
}()

// skipValue consumes one value of any kind. Inside skipped containers only
// the structure (strings and matching brackets) is checked: that is what
// keeps skipping fast, and what is needed to find the next event.
func (s *scanner) skipValue() error {
	c, ok := s.peek()
	if !ok {
		return s.failEOF("a value")
	}
	switch c {
	case '"':
		return s.skipString()
	case '{', '[':
		return s.skipContainer()
	}
	_, err := s.scalar()
	return err
}

func (s *scanner) skipContainer() error {
	s.stack = s.stack[:0]
	return s.skipNested()
}

// skipRest consumes the rest of the container being read, up to and
// including its closing byte (the scanner is between two members).
func (s *scanner) skipRest(closing byte) error {
	s.stack = append(s.stack[:0], closing)
	return s.skipNested()
}

// skipNested consumes bytes until the containers on s.stack (and any
// opened on the way) are closed.
func (s *scanner) skipNested() error {
	for {
		for s.pos < s.end && !byteClass[s.buf[s.pos]] {
			s.pos++
		}
		if s.pos >= s.end {
			if _, ok := s.fill(s.pos); !ok {
				return s.failEOF("an object or array")
			}
			continue
		}
		switch c := s.buf[s.pos]; c {
		case '"':
			// Fast path for the common short string without escapes that
			// ends inside the window; anything else goes the careful way.
			i, end := s.pos+1, min(s.end, s.pos+64)
			for i < end && s.buf[i] != '"' && s.buf[i] != '\\' {
				i++
			}
			if i < end && s.buf[i] == '"' {
				s.pos = i + 1
				continue
			}
			if err := s.skipString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			if len(s.stack) >= maxDepth {
				return s.fail("nesting deeper than %d", maxDepth)
			}
			s.stack = append(s.stack, c+2) // '{'+2 == '}', '['+2 == ']'
		default: // '}' or ']'
			n := len(s.stack)
			if s.stack[n-1] != c {
				return s.fail("found %q where %q closes the value", c, s.stack[n-1])
			}
			s.stack = s.stack[:n-1]
			if n == 1 {
				s.pos++
				return nil
			}
		}
		s.pos++
	}
}

// scalar consumes a number or literal and returns its bytes (valid until
// the next read). It checks only the first byte; the caller parses.
func (s *scanner) scalar() ([]byte, error) {
	c, ok := s.peek()
	if !ok {
		return nil, s.failEOF("a value")
	}
	if !(c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n' || c == 'N' || c == 'I') {
		return nil, s.fail("expected a value, found %s", quoteByte(c))
	}
	start := s.pos
	i := start
	for {
		for i < s.end && !scalarEnd[s.buf[i]] {
			i++
		}
		if i < s.end {
			break
		}
		shift, ok := s.fill(start)
		start -= shift
		i -= shift
		if !ok {
			if errors.Is(s.srcErr, io.EOF) {
				break // a scalar may end the input (a bare top-level number)
			}
			return nil, s.failEOF("a value")
		}
	}
	s.pos = i
	return s.buf[start:i], nil
}
