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

// compressNodeList writes host names sharing a prefix the way SLURM does:
// sim-node-01,sim-node-02,sim-node-03 -> sim-node-[01-03]. Names are
// expected in allocation order with the same digit width.
func compressNodeList(names []string) string {
	if len(names) == 0 {
		return ""
	}
	if len(names) == 1 {
		return names[0]
	}
	prefix, width := splitHostNumber(names[0])
	nums := make([]int, 0, len(names))
	for _, n := range names {
		p, w := splitHostNumber(n)
		if p != prefix || w != width || w == 0 {
			return strings.Join(names, ",")
		}
		v, _ := strconv.Atoi(n[len(p):])
		nums = append(nums, v)
	}
	var ranges []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if i == j {
			ranges = append(ranges, fmt.Sprintf("%0*d", width, nums[i]))
		} else {
			ranges = append(ranges, fmt.Sprintf("%0*d-%0*d", width, nums[i], width, nums[j]))
		}
		i = j + 1
	}
	return prefix + "[" + strings.Join(ranges, ",") + "]"
}

// splitHostNumber returns the non-digit prefix of a host name and the
// width of its trailing number.
func splitHostNumber(name string) (prefix string, width int) {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	return name[:i], len(name) - i
}
