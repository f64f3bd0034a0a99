package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// slurmDuration formats a duration the way squeue prints TIME, TIME_LEFT and
// TIME_LIMIT (SLURM's secs2time_str): "0:07", "1:02", "1:02:03",
// "1-02:03:04". Negative durations print as 0:00.
func slurmDuration(d time.Duration) string {
	secs := int64(d / time.Second)
	if secs < 0 {
		secs = 0
	}
	days := secs / 86400
	h := secs / 3600 % 24
	m := secs / 60 % 60
	s := secs % 60
	switch {
	case days > 0:
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, h, m, s)
	case h > 0:
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	default:
		return fmt.Sprintf("%d:%02d", m, s)
	}
}

// scontrolDuration formats RunTime and TimeLimit the way scontrol does:
// always two-digit hours, "00:00:07", "1-02:03:04".
func scontrolDuration(d time.Duration) string {
	secs := int64(d / time.Second)
	if secs < 0 {
		secs = 0
	}
	days := secs / 86400
	h := secs / 3600 % 24
	m := secs / 60 % 60
	s := secs % 60
	if days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// slurmTimestamp is SLURM's time format for submit/start/end times.
const slurmTimestamp = "2006-01-02T15:04:05"

// parseTimeLimit reads a SLURM --time value: "MM", "MM:SS", "HH:MM:SS",
// "D-HH", "D-HH:MM", "D-HH:MM:SS", or "UNLIMITED"/"INFINITE"/"-1". A zero
// result with ok means no limit.
func parseTimeLimit(s string) (limit time.Duration, ok bool) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "UNLIMITED", "INFINITE", "-1":
		return 0, true
	case "":
		return 0, false
	}
	days := 0
	if i := strings.IndexByte(s, '-'); i >= 0 {
		d, err := strconv.Atoi(s[:i])
		if err != nil || d < 0 {
			return 0, false
		}
		days = d
		s = s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, false
		}
		nums[i] = n
	}
	var h, m, sec int
	switch {
	case days > 0 && len(nums) == 1: // D-HH
		h = nums[0]
	case days > 0 && len(nums) == 2: // D-HH:MM
		h, m = nums[0], nums[1]
	case len(nums) == 1: // MM
		m = nums[0]
	case len(nums) == 2: // MM:SS
		m, sec = nums[0], nums[1]
	default: // HH:MM:SS
		h, m, sec = nums[0], nums[1], nums[2]
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour +
		time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	if d <= 0 {
		return 0, false
	}
	return d, true
}
