package safetext

import (
	"strings"
	"testing"
)

// Text drawn in its background's colour is as hidden as concealed text
// (SGR 8): the colour that makes the two alike is dropped, so the text
// shows; colours that differ are kept.
func TestLineShowsTextDrawnInItsBackgroundColour(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a \x1b[30;40msecret\x1b[0m b", "a \x1b[30msecret\x1b[0m b\x1b[m"},
		{"\x1b[41mx\x1b[31msecret", "\x1b[41mxsecret\x1b[m"},
		{"\x1b[38;5;196;48;5;196msecret", "\x1b[38;5;196msecret\x1b[m"},
		{"\x1b[38;2;10;10;10;48;2;0;0;0msecret", "\x1b[38;2;10;10;10msecret\x1b[m"},
		{"\x1b[38:2::0:0:0;48:5:16msecret", "\x1b[38:2::0:0:0msecret\x1b[m"},
		{"\x1b[97;107msecret", "\x1b[97msecret\x1b[m"},
		{"\x1b[31;40mred on black\x1b[0m", "\x1b[31;40mred on black\x1b[0m\x1b[m"},
		{"\x1b[38;2;200;0;0;48;2;0;0;0mred", "\x1b[38;2;200;0;0;48;2;0;0;0mred\x1b[m"},
		{"\x1b[30;40m\x1b[0mplain", "\x1b[30m\x1b[0mplain\x1b[m"},
		{"\x1b[42m\x1b[39;49;32mok", "\x1b[42m\x1b[39;49;32mok\x1b[m"},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if strings.Contains(Line("\x1b[8;30;40mx"), "40") {
		t.Errorf("concealed and background-coloured: %q", Line("\x1b[8;30;40mx"))
	}
}
