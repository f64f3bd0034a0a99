package jobspec

// nearest returns the candidate closest to word by edit distance when it
// is close enough to be a typo (a third of the word's length, at least 1
// and at most 3 edits), "" otherwise. Ties go to the first candidate.
func nearest(word string, candidates []string) string {
	if len(word) > 64 {
		return "" // not a typo of any field name; keeps the work bounded
	}
	limit := len(word) / 3
	if limit < 1 {
		limit = 1
	}
	if limit > 3 {
		limit = 3
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance with adjacent swaps counted as
// one edit (optimal string alignment), over bytes.
func editDistance(a, b string) int {
	if len(b) > 64 {
		return len(b)
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
