package safetext

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestLine(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "Server http://127.0.0.1:30000 is ready", "Server http://127.0.0.1:30000 is ready"},
		{"crlf", "line\r", "line"},
		{"keeps colours, resets at end", "\x1b[31mred\x1b[0m ok", "\x1b[31mred\x1b[0m ok\x1b[m"},
		{"256 and truecolour", "\x1b[38;5;196mx\x1b[38:2::1:2:3my", "\x1b[38;5;196mx\x1b[38:2::1:2:3my\x1b[m"},
		{"title change (OSC 0, BEL)", "a\x1b]0;pwned\x07b", "ab"},
		{"OSC 52 clipboard write (ST)", "a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "ab"},
		{"hyperlink keeps its text", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"cursor movement and erase", "\x1b[2J\x1b[H\x1b[10;20Hx\x1b[K\x1b[1A", "x"},
		{"private modes", "\x1b[?1049h\x1b[?25lx", "x"},
		{"SGR-looking with prefix", "\x1b[>4;2mx", "x"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"PM and SOS", "a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", "abc"},
		{"ESC charset and keypad", "a\x1b(0b\x1b=c", "abc"},
		{"bell and backspace visible", "ding\x07 back\x08", "ding^G back^H"},
		{"NUL and DEL visible", "a\x00b\x7fc", "a^@b^?c"},
		{"C1 CSI as UTF-8 is visible", "a\u009b31mb", "aM-^[31mb"},
		{"raw 8-bit CSI is invalid UTF-8", "a\x9b2Jb", "a\uFFFD2Jb"},
		{"invalid UTF-8", "caf\xe9 \xff\xfe ok", "caf\uFFFD \uFFFD ok"},
		{"progress collapses to last segment", " 10%|#  \r 50%|#####  \r100%|##########", "100%|##########"},
		{"trailing CR segment ignored", "done\r", "done"},
		{"bidi override visible", "abc\u202Edef", "abc<U+202E>def"},
		{"tabs expand", "a\tb", "a       b"},
		{"unterminated OSC shows its text", "a\x1b]0;title never ends", "a^[]0;title never ends"},
		{"wide runes kept", "日本語 ✓", "日本語 ✓"},
		{"combining mark kept", "e\u0301", "e\u0301"},
		{"concealed text shown", "pass\x1b[8msecret\x1b[0m", "passsecret\x1b[0m\x1b[m"},
		{"conceal dropped, colours kept", "\x1b[1;8;31mx", "\x1b[1;31mx\x1b[m"},
		{"conceal with leading zeros and sub-parameters", "\x1b[08mx\x1b[8:1my", "xy"},
		{"colour 8 is not concealment", "\x1b[38;5;8mx\x1b[48;2;8;8;8my\x1b[38:5:8mz", "\x1b[38;5;8mx\x1b[48;2;8;8;8my\x1b[38:5:8mz\x1b[m"},
		{"reveal (28) kept", "\x1b[28mx", "\x1b[28mx\x1b[m"},
		{"zero-width space visible", "rm\u200b -rf", "rm<U+200B> -rf"},
		{"zero-width joiners and BOM visible", "a\u200cb\u200dc\u2060d\ufeffe", "a<U+200C>b<U+200D>c<U+2060>d<U+FEFF>e"},
		{"soft hyphen and fillers visible", "a\u00adb\u3164c", "a<U+AD>b<U+3164>c"},
		{"line and paragraph separators visible", "ok\u2028hidden\u2029x", "ok<U+2028>hidden<U+2029>x"},
		{"tag characters visible", "a\U000E0041b", "a<U+E0041>b"},
		{"emoji joined by ZWJ kept", "\U0001F469\u200d\U0001F52C ok", "\U0001F469\u200d\U0001F52C ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Line(c.in); got != c.want {
				t.Fatalf("Line(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestLineTruncatesLongLines(t *testing.T) {
	long := strings.Repeat("é", MaxLineRunes+100)
	got := Line(long)
	kept := MaxLineRunes - cutMarkerRunes
	if !strings.HasPrefix(got, strings.Repeat("é", kept)) || strings.HasPrefix(got, strings.Repeat("é", kept+1)) {
		t.Fatal("the first MaxLineRunes-cutMarkerRunes runes should be kept, and no more")
	}
	if want := " … [" + strconv.Itoa(2*(100+cutMarkerRunes)) + " bytes cut]"; !strings.HasSuffix(got, want) {
		t.Fatalf("cut marker missing: ...%q, want %q", got[len(got)-40:], want)
	}
	if n := utf8.RuneCountInString(got); n > MaxLineRunes {
		t.Fatalf("a cut line has %d runes, more than MaxLineRunes", n)
	}
	if again := Line(got); again != got {
		t.Fatal("a cut line changes when made safe again")
	}
	ascii := strings.Repeat("a", 10)
	if got := LineN(ascii, 4); got != "aaaa … [6 bytes cut]" {
		t.Fatalf("LineN = %q", got)
	}
}

func TestLineHugeLineIsFast(t *testing.T) {
	// 8 MB of escape-laden text must not take quadratic time.
	chunk := "\x1b]0;t\x07\x1b[31mx\x1b[0m\x1b[2K"
	in := strings.Repeat(chunk, 8<<20/len(chunk))
	got := Line(in)
	if plain := ansi.Strip(got); utf8.RuneCountInString(plain) > MaxLineRunes+40 {
		t.Fatalf("output has %d visible runes", utf8.RuneCountInString(plain))
	}
}

// FuzzLine: whatever comes in, what goes out has no escape sequence but
// SGR, no control character but ESC (of an SGR), is valid UTF-8, and is
// bounded.
func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[31mred\x1b[0m", "\x1b]0;t\x07", "\x1b]52;c;YQ==\x1b\\", "\x1bP1$r\x1b\\",
		"a\rb\rc", "\xff\xfe", "\u009b2J", "\x1b[", "\x1b", "\x1b[38;5;1m", "\t\x00\x7f", "\u202e",
		"\x1b_G\x1b\\", "\x1b[?2004h", "x\x1b]8;;u\x1b\\y\x1b]8;;\x1b\\",
		"\x1b[8mhid", "\x1b[38;5;8;8m", "a\u200bb\u2028c", "\U0001F469\u200d\U0001F52C", "\U000E0041",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := LineN(in, 200)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		if strings.ContainsAny(out, "\r\n\t\x07\x08\x00") {
			t.Fatalf("control character left in %q", out)
		}
		// Every ESC must start an SGR sequence.
		for i := 0; i < len(out); i++ {
			if out[i] != ansi.ESC {
				if c := out[i]; c < 0x20 || c == 0x7f {
					t.Fatalf("control byte %#x left in %q (from %q)", c, out, in)
				}
				continue
			}
			j := i + 1
			if j >= len(out) || out[j] != '[' {
				t.Fatalf("non-CSI escape left at %d in %q (from %q)", i, out, in)
			}
			j++
			for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':') {
				j++
			}
			if j >= len(out) || out[j] != 'm' {
				t.Fatalf("non-SGR CSI left at %d in %q (from %q)", i, out, in)
			}
			i = j
		}
		for _, g := range graphemes(ansi.Strip(out)) {
			for _, r := range g {
				if r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
					invisibleRune(r) && !(r == 0x200d && emojiJoin(g)) {
					t.Fatalf("dangerous or invisible rune %U left in %q (from %q)", r, out, in)
				}
			}
		}
		for _, sgr := range sgrPattern.FindAllString(out, -1) {
			if conceals(sgr) {
				t.Fatalf("concealment %q left in %q (from %q)", sgr, out, in)
			}
		}
		if n := utf8.RuneCountInString(ansi.Strip(out)); n > 200+40 {
			t.Fatalf("%d visible runes, limit 200", n)
		}
		// Making a line safe twice changes nothing more (the screen may do it again).
		if again := LineN(out, 1<<20); again != out && again != out+"\x1b[m" {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}

func TestLastCRSegment(t *testing.T) {
	for in, want := range map[string]string{
		"no return":      "no return",
		"a\rb\rc":        "c",
		" 10%\r100%\r\r": "100%",
		"\r\r":           "",
		"":               "",
	} {
		if got := LastCRSegment(in); got != want {
			t.Errorf("LastCRSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

var sgrPattern = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// conceals reports whether sgr turns concealment on: a parameter 8 that is
// not the argument of a colour (38;5;8, 48;2;8;8;8). Walks the parameters as
// a terminal does.
func conceals(sgr string) bool {
	params := strings.Split(sgr[2:len(sgr)-1], ";")
	for i := 0; i < len(params); i++ {
		attr, _, colon := strings.Cut(params[i], ":")
		switch strings.TrimLeft(attr, "0") {
		case "8":
			return true
		case "38", "48", "58":
			if colon || i+1 >= len(params) {
				continue
			}
			switch strings.TrimLeft(params[i+1], "0") {
			case "5":
				i += 2
			case "2":
				i += 4
			}
		}
	}
	return false
}

// graphemes splits s into grapheme clusters, as the screen draws them.
func graphemes(s string) []string {
	var out []string
	for s != "" {
		c, _, n, _ := ansi.DecodeSequence(s, ansi.NormalState, nil)
		if n <= 0 {
			n, c = 1, s[:1]
		}
		out = append(out, c)
		s = s[n:]
	}
	return out
}
