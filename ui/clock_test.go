package ui

import (
	"testing"
	"time"
)

func TestClockTextShowsSecondsOnlyEarly(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "00:00:05"},
		{9*time.Minute + 59*time.Second, "00:09:59"},
		{10 * time.Minute, "0h10m"},
		{2*time.Hour + 3*time.Minute + 59*time.Second, "2h03m"},
	} {
		if got := clockText(c.d); got != c.want {
			t.Errorf("clockText(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
