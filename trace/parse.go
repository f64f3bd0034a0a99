package trace

import (
	"bytes"
	"errors"
	"io"
	"strconv"
)

// windowSize is the scanner's window; it grows only for a longer token.
const windowSize = 256 << 10

// category codes of the GPU categories, index into aggregator.cats.
const (
	catOther = iota - 1
	catKernel
	catMemcpy
	catMemset
)

var catNames = [...]string{CatKernel, CatMemcpy, CatMemset}

// field codes of the event members the summary reads.
const (
	fieldOther = iota
	fieldPh
	fieldCat
	fieldName
	fieldTs
	fieldDur
)

// parser walks the trace document and feeds events to the aggregator.
type parser struct {
	s   *scanner
	agg aggregator
	// per-event scratch, reused so an event costs no allocation
	name, ts, dur, unesc []byte
}

// errNotTrace is returned for JSON that has no traceEvents.
var errNotTrace = errors.New("not a Chrome trace: no traceEvents array")

// summarizeJSON reads a plain (not compressed) JSON trace from r.
func summarizeJSON(r io.Reader) (*FileSummary, error) {
	return summarizeJSONWindow(r, windowSize)
}

// summarizeJSONWindow is summarizeJSON with a given starting window (tests
// use tiny ones to cross every boundary).
func summarizeJSONWindow(r io.Reader, size int) (*FileSummary, error) {
	p := &parser{s: newScanner(r, size)}
	p.agg.init()
	err := p.document()
	sum := p.agg.finish()
	sum.BytesRead = p.s.offset()
	if err != nil {
		sum.Incomplete = err
	}
	return sum, err
}

func (p *parser) document() error {
	s := p.s
	c, ok := s.peek()
	if !ok {
		if s.srcErr != nil && !errors.Is(s.srcErr, io.EOF) {
			return s.failEOF("the trace")
		}
		return s.fail("empty input: not a trace")
	}
	switch c {
	case '[':
		if err := p.events(); err != nil {
			return err
		}
	case '{':
		found, err := p.topObject()
		if err != nil {
			return err
		}
		if !found {
			return errNotTrace
		}
	default:
		return s.fail("a trace starts with '{' or '[', found %s", quoteByte(c))
	}
	if c, ok := s.peek(); ok {
		return s.fail("unexpected %s after the end of the trace", quoteByte(c))
	}
	if !errors.Is(s.srcErr, io.EOF) {
		return s.failEOF("the end of the trace")
	}
	return nil
}

// topObject walks the top-level object, reading traceEvents and skipping
// everything else (device properties, metadata).
func (p *parser) topObject() (bool, error) {
	s := p.s
	s.pos++
	found := false
	c, ok := s.peek()
	if !ok {
		return found, s.failEOF("the top-level object")
	}
	if c == '}' {
		s.pos++
		return found, nil
	}
	for {
		isEvents, err := p.keyIs("traceEvents")
		if err != nil {
			return found, err
		}
		if err := s.expect(':', "the top-level object"); err != nil {
			return found, err
		}
		if c, ok := s.peek(); isEvents && ok && c == '[' {
			found = true
			if err := p.events(); err != nil {
				return found, err
			}
		} else if err := s.skipValue(); err != nil {
			return found, err
		}
		done, err := p.next('}', "the top-level object")
		if done || err != nil {
			return found, err
		}
	}
}

// keyIs reads a member's key and says whether it equals want.
func (p *parser) keyIs(want string) (bool, error) {
	key, err := p.key()
	return string(key) == want, err
}

// key reads an object key (decoding escapes), valid until the next read.
func (p *parser) key() ([]byte, error) {
	s := p.s
	c, ok := s.peek()
	if !ok {
		return nil, s.failEOF("an object")
	}
	if c != '"' {
		return nil, s.fail("expected a key string, found %s", quoteByte(c))
	}
	raw, esc, err := s.rawString()
	if err != nil || !esc {
		return raw, err
	}
	p.unesc, err = unescape(p.unesc[:0], raw)
	if err != nil {
		return nil, s.fail("%v", err)
	}
	return p.unesc, nil
}

// next consumes the separator after a member or element: it reports done
// when the closing byte comes, and an error for anything but ',' or it.
func (p *parser) next(closing byte, what string) (bool, error) {
	s := p.s
	c, ok := s.peek()
	if !ok {
		return false, s.failEOF(what)
	}
	s.pos++
	switch c {
	case ',':
		return false, nil
	case closing:
		return true, nil
	}
	s.pos--
	return false, s.fail("expected ',' or %q in %s, found %s", closing, what, quoteByte(c))
}

// events walks the traceEvents array.
func (p *parser) events() error {
	s := p.s
	s.pos++
	c, ok := s.peek()
	if !ok {
		return s.failEOF("traceEvents")
	}
	if c == ']' {
		s.pos++
		return nil
	}
	for {
		c, ok := s.peek()
		if !ok {
			return s.failEOF("traceEvents")
		}
		var err error
		if c == '{' {
			err = p.event()
		} else {
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		done, err := p.next(']', "traceEvents")
		if done || err != nil {
			return err
		}
	}
}

// event reads one event object, keeping ph, cat, name, ts and dur. A key
// that appears twice takes its last value, as Python's json does.
func (p *parser) event() error {
	s := p.s
	s.pos++
	isX, cat := false, catOther
	hasName, hasTS, hasDur := false, false, false
	c, ok := s.peek()
	if !ok {
		return s.failEOF("an event")
	}
	if c == '}' {
		s.pos++
		return nil
	}
	for {
		key, err := p.key()
		if err != nil {
			return err
		}
		field := fieldOf(key)
		if err := s.expect(':', "an event"); err != nil {
			return err
		}
		switch field {
		case fieldPh:
			v, isStr, err := p.stringValue()
			if err != nil {
				return err
			}
			isX = isStr && len(v) == 1 && v[0] == 'X'
		case fieldCat:
			v, isStr, err := p.stringValue()
			if err != nil {
				return err
			}
			cat = catOther
			if isStr {
				cat = catOf(v)
			}
		case fieldName:
			v, isStr, err := p.stringValue()
			if err != nil {
				return err
			}
			hasName = isStr
			p.name = append(p.name[:0], v...)
		case fieldTs:
			p.ts, hasTS, err = p.numberText(p.ts)
			if err != nil {
				return err
			}
		case fieldDur:
			p.dur, hasDur, err = p.numberText(p.dur)
			if err != nil {
				return err
			}
		default:
			if err := s.skipValue(); err != nil {
				return err
			}
		}
		done, err := p.next('}', "an event")
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	if !isX || cat == catOther {
		return nil
	}
	p.record(cat, hasName, hasTS, hasDur)
	return nil
}

// record adds one complete GPU event. The reference fails on a GPU event
// without a readable ts; here it is counted as skipped instead.
func (p *parser) record(cat int, hasName, hasTS, hasDur bool) {
	if !hasTS {
		p.agg.skipped++
		return
	}
	ts, ok := parseNumber(p.ts)
	if !ok {
		p.agg.skipped++
		return
	}
	dur := 0.0
	if hasDur {
		if dur, ok = parseNumber(p.dur); !ok {
			p.agg.skipped++
			return
		}
	}
	if !hasName {
		p.name = p.name[:0]
	}
	p.agg.add(cat, p.name, ts, dur)
}

// parseNumber parses a number as Python's float() does for the values a
// trace holds; out-of-range values become ±Inf, as in Python.
func parseNumber(text []byte) (float64, bool) {
	if bytes.ContainsAny(text, "xX_") {
		return 0, false // Go reads hex and 1_000; Python's float() does not
	}
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

// stringValue reads a value that should be a string, decoding escapes.
// For any other kind of value it skips it and reports isStr false.
func (p *parser) stringValue() (v []byte, isStr bool, err error) {
	s := p.s
	c, ok := s.peek()
	if !ok {
		return nil, false, s.failEOF("an event")
	}
	if c != '"' {
		return nil, false, s.skipValue()
	}
	raw, esc, err := s.rawString()
	if err != nil || !esc {
		return raw, err == nil, err
	}
	p.unesc, err = unescape(p.unesc[:0], raw)
	if err != nil {
		return nil, false, s.fail("%v", err)
	}
	return p.unesc, true, nil
}

// numberText copies a number's text into dst (a quoted number counts too,
// as Python's float() accepts it); ok is false for other kinds of value.
func (p *parser) numberText(dst []byte) (text []byte, ok bool, err error) {
	s := p.s
	c, present := s.peek()
	if !present {
		return dst, false, s.failEOF("an event")
	}
	switch {
	case c == '"':
		v, _, err := p.stringValue()
		return append(dst[:0], v...), err == nil, err
	case c == '{' || c == '[':
		return dst, false, s.skipValue()
	}
	v, err := s.scalar()
	return append(dst[:0], v...), err == nil, err
}

func fieldOf(key []byte) int {
	switch string(key) {
	case "ph":
		return fieldPh
	case "cat":
		return fieldCat
	case "name":
		return fieldName
	case "ts":
		return fieldTs
	case "dur":
		return fieldDur
	}
	return fieldOther
}

func catOf(v []byte) int {
	switch string(v) {
	case CatKernel:
		return catKernel
	case CatMemcpy:
		return catMemcpy
	case CatMemset:
		return catMemset
	}
	return catOther
}
