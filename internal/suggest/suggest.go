// Package suggest finds the "did you mean" for a mistyped name: the one
// copy used by the command line (internal/cli), the configuration's strict
// decoding (internal/config) and the API's field checks (relay/live), so
// that a typo gets the same answer wherever it is made.
package suggest

import "strings"

// Closest returns the candidate nearest to s that is close enough to be a
// typo of it, or "". Close enough: one edit for a name of up to four
// letters, two for a longer one (two edits turn any short word into
// another: "run" must not suggest "top"); a candidate that begins with s,
// or that s begins with (s at least two letters), is always close enough,
// but a nearer typo wins over it. The first candidate wins a tie.
func Closest(s string, candidates []string) string {
	limit := 1
	if len(s) > 4 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		d := Distance(s, c)
		if len(s) >= 2 && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) {
			d = min(d, limit)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Distance counts the insertions, deletions, substitutions and swaps of
// neighbours that turn a into b (the optimal string alignment distance: a
// swapped pair, the commonest typo, is one edit).
func Distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
