package trace

import (
	"bytes"
	"errors"
	"io"
	"math"
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
	fieldArgs
)

// parser walks the trace document and feeds events to the aggregator.
type parser struct {
	s   *scanner
	agg aggregator
	// per-event scratch, reused so an event costs no allocation
	name, ts, dur, unesc []byte
	// the args members the analyses read (see events.go)
	stream, corr       int64
	hasStream, hasCorr bool
	// rank is distributedInfo.rank when the trace has one (-1 otherwise)
	rank int64
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
	p := &parser{s: newScanner(r, size), rank: -1}
	p.agg.init()
	err := p.document()
	sum := p.agg.finish()
	sum.BytesRead = p.s.offset()
	if p.rank >= 0 {
		sum.TraceRank = strconv.FormatInt(p.rank, 10)
	}
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
		key, err := p.key()
		if err != nil {
			return found, err
		}
		isEvents, isInfo := string(key) == "traceEvents", string(key) == "distributedInfo"
		if err := s.expect(':', "the top-level object"); err != nil {
			return found, err
		}
		c, ok := s.peek()
		if isEvents && ok && c == '[' {
			found = true
			if err := p.events(); err != nil {
				return found, err
			}
		} else if isInfo && ok && c == '{' {
			if err := p.distributedInfo(); err != nil {
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

// distributedInfo reads the rank a distributed job's trace names itself.
func (p *parser) distributedInfo() error {
	isRank := func(key []byte) int {
		if string(key) == "rank" {
			return 1
		}
		return 0
	}
	return p.members("distributedInfo", isRank, func(field int) error {
		if field == 0 {
			return p.s.skipValue()
		}
		v, ok, err := p.intValue()
		if ok {
			p.rank = v
		}
		return err
	})
}

// members walks an object (the scanner is at its '{'): classify names each
// key (before the next read moves the window under it), then member
// consumes the value.
func (p *parser) members(what string, classify func(key []byte) int, member func(field int) error) error {
	s := p.s
	s.pos++
	if c, ok := s.peek(); !ok {
		return s.failEOF(what)
	} else if c == '}' {
		s.pos++
		return nil
	}
	for {
		key, err := p.key()
		if err != nil {
			return err
		}
		field := classify(key)
		if err := s.expect(':', what); err != nil {
			return err
		}
		if err := member(field); err == errRestSkipped {
			return nil
		} else if err != nil {
			return err
		}
		done, err := p.next('}', what)
		if done || err != nil {
			return err
		}
	}
}

// errRestSkipped tells members that a member consumed the rest of the
// object, its closing brace included.
var errRestSkipped = errors.New("the rest of the object was skipped")

// args reads the members of an event's args the analyses use: the GPU
// stream and the correlation that ties a GPU event to its launch. Once a
// kernel's correlation is read (after its stream, in torch's order) the
// rest of args is skipped without reading its keys: that is what keeps the
// analyses within the time of decompression.
func (p *parser) args() error {
	return p.members("an event's args", argOf, func(field int) error {
		var err error
		switch field {
		case argStream:
			p.stream, p.hasStream, err = p.intValue()
		case argCorrelation:
			p.corr, p.hasCorr, err = p.intValue()
			if err == nil && p.hasStream {
				if err := p.s.skipRest('}'); err != nil {
					return err
				}
				return errRestSkipped
			}
		default:
			err = p.s.skipValue()
		}
		return err
	})
}

// the args members the analyses read
const (
	argOther = iota
	argStream
	argCorrelation
)

func argOf(key []byte) int {
	switch string(key) {
	case "stream":
		return argStream
	case "correlation":
		return argCorrelation
	}
	return argOther
}

// intValue reads an integral number (as Python's int(float(x)) would take
// it); ok is false for anything else, which is skipped.
func (p *parser) intValue() (int64, bool, error) {
	c, present := p.s.peek()
	if !present {
		return 0, false, p.s.failEOF("a value")
	}
	if c == '"' || c == '{' || c == '[' {
		return 0, false, p.s.skipValue()
	}
	text, err := p.s.scalar()
	if err != nil {
		return 0, false, err
	}
	if v, err := strconv.ParseInt(string(text), 10, 64); err == nil {
		return v, true, nil
	}
	f, ok := parseNumber(text)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false, nil
	}
	return int64(f), true, nil
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

// event reads one event object, keeping ph, cat, name, ts, dur and the
// args the analyses use. A key that appears twice takes its last value, as
// Python's json does.
func (p *parser) event() error {
	s := p.s
	isX, cat, class := false, catOther, classUnknown
	hasName, hasTS, hasDur := false, false, false
	p.hasStream, p.hasCorr = false, false
	err := p.members("an event", fieldOf, func(field int) error {
		var err error
		switch field {
		case fieldPh:
			var v []byte
			var isStr bool
			v, isStr, err = p.stringValue()
			isX = isStr && len(v) == 1 && v[0] == 'X'
		case fieldCat:
			var v []byte
			var isStr bool
			v, isStr, err = p.stringValue()
			cat, class = catOther, classOther
			if isStr {
				cat, class = catOf(v), classOf(v)
			}
		case fieldName:
			var v []byte
			v, hasName, err = p.stringValue()
			p.name = append(p.name[:0], v...)
		case fieldTs:
			p.ts, hasTS, err = p.numberText(p.ts)
		case fieldDur:
			p.dur, hasDur, err = p.numberText(p.dur)
		case fieldArgs:
			// The CPU side's own events (most of a trace) need no args.
			if c, ok := s.peek(); ok && c == '{' && class != classCPU {
				err = p.args()
			} else {
				err = s.skipValue()
			}
		default:
			err = s.skipValue()
		}
		return err
	})
	if err != nil {
		return err
	}
	if !isX {
		return nil
	}
	if !hasName {
		p.name = p.name[:0]
	}
	tracked := hasTS && (p.hasStream || p.hasCorr || isStepName(p.name))
	if cat == catOther && !tracked {
		return nil
	}
	ts, dur, ok := p.times(hasTS, hasDur)
	if cat != catOther {
		// The reference fails on a GPU event without a readable ts; here
		// it is counted as skipped instead.
		if !ok {
			p.agg.skipped++
		} else {
			p.agg.add(cat, p.name, ts, dur)
		}
	}
	if tracked && ok {
		p.agg.ev.observe(p, class, ts, dur)
	}
	return nil
}

// times reads the event's ts and dur (0 when absent); ok is false when
// either is there but not a number.
func (p *parser) times(hasTS, hasDur bool) (ts, dur float64, ok bool) {
	if !hasTS {
		return 0, 0, false
	}
	if ts, ok = parseNumber(p.ts); !ok {
		return 0, 0, false
	}
	if hasDur {
		if dur, ok = parseNumber(p.dur); !ok {
			return 0, 0, false
		}
	}
	return ts, dur, true
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
	case "args":
		return fieldArgs
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
