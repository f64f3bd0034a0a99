package trace

import (
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// round3 is Python's round(x, 3): the exact binary value rounded half to
// even at the third decimal, then read back as the nearest float.
func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 3, 64), 64)
	if v == 0 {
		return math.Copysign(0, x) // Python keeps the sign: round(-0.0001, 3) is -0.0
	}
	return v
}

// pyFloat formats x as Python's repr(float) inside json.dumps: the shortest
// digits that read back to x, in fixed notation for exponents -4 to 15 and
// with ".0" on integral values, scientific (1e+16, 1e-05) otherwise.
func pyFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(x, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if decpt := exp + 1; decpt <= -4 || decpt > 16 {
		return e
	}
	f := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.ContainsAny(f, ".") {
		f += ".0"
	}
	return f
}

// pyString formats s as json.dumps does with ensure_ascii: printable ASCII
// as is, short escapes for the usual controls, \uXXXX (lower-case hex, UTF-16
// surrogate pairs) for everything else.
func pyString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= ' ' && c <= '~' && c != '"' && c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			units := []rune{r}
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				units = []rune{hi, lo}
			}
			for _, u := range units {
				b.WriteString(`\u`)
				for shift := 12; shift >= 0; shift -= 4 {
					b.WriteByte(hex[(u>>shift)&0xf])
				}
			}
			i += size
			continue
		}
		i++
	}
	b.WriteByte('"')
}

// JSONOptions shape WriteJSON's output.
type JSONOptions struct {
	// Top is how many kernels to list (the reference's default is 20).
	Top int
	// WithFile adds "file", "phase" and "rank" to each object; WriteJSON
	// sets it for a list, where objects must say which file they describe.
	WithFile bool
	// ReferenceOnly leaves out what reference_summary.py does not print
	// (the analyses, the rank): the tests compare that part byte for byte.
	ReferenceOnly bool
	// skews are the runs' skews by run key (several files).
	skews map[string]*Skew
}

// WriteJSON prints summaries as reference_summary.py prints one, byte for
// byte (json.dumps with indent=1): one object for one summary, a list for
// several. The analyses follow the reference's members (see
// writeAnalysis). A file that stopped early also gets "truncated_at" and
// "error".
func WriteJSON(w io.Writer, sums []*FileSummary, top int) error {
	return writeJSON(w, sums, JSONOptions{Top: top})
}

func writeJSON(w io.Writer, sums []*FileSummary, opts JSONOptions) error {
	var b strings.Builder
	if len(sums) == 1 {
		writeObject(&b, sums[0], opts, "")
	} else {
		b.WriteString("[")
		opts.skews = map[string]*Skew{}
		for _, r := range Runs(sums) {
			if sk := SkewOf(r.Sums); sk != nil {
				opts.skews[r.Key] = sk
			}
		}
		for i, s := range sums {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n ")
			opts.WithFile = true
			writeObject(&b, s, opts, " ")
		}
		if len(sums) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonObject writes a json.dumps(indent=1) object member by member.
type jsonObject struct {
	b      *strings.Builder
	indent string // of the members
	n      int
}

func (o *jsonObject) key(k string) {
	if o.n > 0 {
		o.b.WriteByte(',')
	}
	o.n++
	o.b.WriteString("\n")
	o.b.WriteString(o.indent)
	pyString(o.b, k)
	o.b.WriteString(": ")
}

func (o *jsonObject) close(outer string) {
	if o.n > 0 {
		o.b.WriteString("\n")
		o.b.WriteString(outer)
	}
	o.b.WriteString("}")
}

func (o *jsonObject) float(k string, v float64) { o.key(k); o.b.WriteString(pyFloat(v)) }
func (o *jsonObject) int(k string, v int)       { o.key(k); o.b.WriteString(strconv.Itoa(v)) }
func (o *jsonObject) str(k, v string)           { o.key(k); pyString(o.b, v) }
func (o *jsonObject) bool(k string, v bool)     { o.key(k); o.b.WriteString(strconv.FormatBool(v)) }
func (o *jsonObject) null(k string)             { o.key(k); o.b.WriteString("null") }

// object opens a nested object member; close it with the returned one.
func (o *jsonObject) object(k string) *jsonObject {
	o.key(k)
	o.b.WriteString("{")
	return &jsonObject{b: o.b, indent: o.indent + " "}
}

// list writes a member holding a list of n objects, each written by item.
func (o *jsonObject) list(k string, n int, item func(i int, e *jsonObject)) {
	o.key(k)
	o.b.WriteString("[")
	for i := range n {
		if i > 0 {
			o.b.WriteString(",")
		}
		o.b.WriteString("\n" + o.indent + " {")
		e := &jsonObject{b: o.b, indent: o.indent + "  "}
		item(i, e)
		e.close(o.indent + " ")
	}
	if n > 0 {
		o.b.WriteString("\n" + o.indent)
	}
	o.b.WriteString("]")
}

func writeObject(b *strings.Builder, s *FileSummary, opts JSONOptions, indent string) {
	in := indent + " "
	b.WriteString("{")
	o := &jsonObject{b: b, indent: in}
	if opts.WithFile {
		o.str("file", s.Path)
		o.str("phase", s.Phase)
		o.str("rank", s.Rank)
	}
	o.int("gpu_events", s.GPUEvents)
	o.float("span_us", round3(s.SpanUS))
	o.float("busy_us", round3(s.BusyUS))
	o.key("categories")
	b.WriteString("{")
	cats := &jsonObject{b: b, indent: in + " "}
	for _, c := range s.Categories {
		cats.key(c.Name)
		b.WriteString("{")
		co := &jsonObject{b: b, indent: in + "  "}
		co.int("count", c.Count)
		co.float("total_us", round3(c.TotalUS))
		co.close(in + " ")
	}
	cats.close(in)
	o.key("kernels")
	b.WriteString("[")
	ks := s.Kernels
	if opts.Top >= 0 && len(ks) > opts.Top {
		ks = ks[:opts.Top]
	}
	for i, k := range ks {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n" + in + " {")
		ko := &jsonObject{b: b, indent: in + "  "}
		ko.str("name", k.Name)
		ko.int("count", k.Count)
		ko.float("total_us", round3(k.TotalUS))
		ko.float("mean_us", round3(k.TotalUS/float64(k.Count)))
		ko.float("min_us", round3(k.MinUS))
		ko.float("max_us", round3(k.MaxUS))
		ko.float("pct", round3(s.Share(k)))
		ko.close(in + " ")
	}
	if len(ks) > 0 {
		b.WriteString("\n" + in)
	}
	b.WriteString("]")
	if s.Folded.Count > 0 && !opts.ReferenceOnly {
		o.key("folded_kernels")
		b.WriteString("{")
		fo := &jsonObject{b: b, indent: in + " "}
		fo.int("count", s.Folded.Count)
		fo.float("total_us", round3(s.Folded.TotalUS))
		fo.close(in)
	}
	if !opts.WithFile && !opts.ReferenceOnly {
		o.str("rank", s.Rank)
	}
	if opts.WithFile && !opts.ReferenceOnly {
		o.str("run", RunOf(s.Path)) // ranks of one run share it
		if sk := opts.skews[RunOf(s.Path)]; sk != nil {
			writeSkew(o, sk)
		}
	}
	if s.Analysis != nil && !opts.ReferenceOnly {
		writeAnalysis(o, s.Analysis)
	}
	if s.Incomplete != nil {
		var pe *ParseError
		if errors.As(s.Incomplete, &pe) {
			o.int("truncated_at", int(pe.Offset))
		}
		o.str("error", s.Incomplete.Error())
	}
	o.close(indent)
}
