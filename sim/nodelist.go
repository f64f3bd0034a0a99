package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// maxExpandedNodes bounds what expandNodeList produces from a range such
// as n[0-999999999]; no job spans more nodes than this.
const maxExpandedNodes = 4096

// expandNodeList turns SLURM's compressed host list ("sim-node-[01-03,07]",
// "gpu1,gpu2", "localhost") into host names.
func expandNodeList(list string) ([]string, error) {
	var out []string
	for _, item := range splitTopLevel(list) {
		if item == "" {
			continue
		}
		open := strings.IndexByte(item, '[')
		if open < 0 {
			if strings.ContainsAny(item, "[]") {
				return nil, fmt.Errorf("node list %q: stray ']' in %q", list, item)
			}
			out = append(out, item)
			continue
		}
		close := strings.IndexByte(item[open:], ']')
		if close < 0 {
			return nil, fmt.Errorf("node list %q: '[' without ']'", list)
		}
		close += open
		prefix, body, suffix := item[:open], item[open+1:close], item[close+1:]
		if strings.ContainsAny(suffix, "[]") {
			// "a[1]b[2]" and "[0,0]]" are no host names SLURM would print.
			return nil, fmt.Errorf("node list %q: more than one bracket group in %q", list, item)
		}
		for _, r := range strings.Split(body, ",") {
			lo, hi, isRange := strings.Cut(r, "-")
			if !isRange {
				hi = lo
			}
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil || a < 0 || b < a {
				return nil, fmt.Errorf("node list %q: bad range %q", list, r)
			}
			width := len(lo)
			for n := a; n <= b; n++ {
				if len(out) >= maxExpandedNodes {
					return nil, fmt.Errorf("node list %q: more than %d nodes", list, maxExpandedNodes)
				}
				out = append(out, fmt.Sprintf("%s%0*d%s", prefix, width, n, suffix))
			}
		}
	}
	return out, nil
}

// splitTopLevel splits at commas outside brackets.
func splitTopLevel(s string) []string {
	var parts []string
	depth, from := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[from:i])
				from = i + 1
			}
		}
	}
	return append(parts, s[from:])
}
