package viewdb

import (
	"fmt"
	"testing"
)

// TestIDClauses: runs of minIDRun or more consecutive IDs become one range
// each; the rest go to IN lists of at most loadItemsChunk IDs; every ID
// asked for is in exactly one clause, and duplicates are asked for once.
func TestIDClauses(t *testing.T) {
	seq := func(lo, hi int) []int {
		var out []int
		for i := lo; i <= hi; i++ {
			out = append(out, i)
		}
		return out
	}
	cat := func(parts ...[]int) []int {
		var out []int
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	everyOther := make([]int, 2000)
	for i := range everyOther {
		everyOther[i] = 2 * i
	}
	for _, tc := range []struct {
		name string
		ids  []int
		want []string
	}{
		{"none", nil, nil},
		{"one", []int{5}, []string{"5: id IN (?1) [5]"}},
		{"short run", seq(1, minIDRun-1), []string{fmt.Sprintf("1..%d: id IN (%s) %v", minIDRun-1, marks(minIDRun-1), seq(1, minIDRun-1))}},
		{"run", seq(1, minIDRun), []string{fmt.Sprintf("1..%d: id BETWEEN ?1 AND ?2 [1 %d]", minIDRun, minIDRun)}},
		{"a million", seq(1, 1_000_000), []string{"1..1000000: id BETWEEN ?1 AND ?2 [1 1000000]"}},
		{"unsorted with duplicates", cat(seq(40, 60), []int{3, 3}, seq(20, 30), []int{50, -2}),
			[]string{"40..60: id BETWEEN ?1 AND ?2 [40 60]", fmt.Sprintf("-2..30: id IN (%s) %v", marks(13), cat([]int{-2, 3}, seq(20, 30)))}},
		{"scattered", everyOther, []string{
			fmt.Sprintf("0..1798: id IN (%s) %v", marks(900), everyOther[:900]),
			fmt.Sprintf("1800..3598: id IN (%s) %v", marks(900), everyOther[900:1800]),
			fmt.Sprintf("3600..3998: id IN (%s) %v", marks(200), everyOther[1800:]),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := idClauses(tc.ids)
			if len(got) != len(tc.want) {
				t.Fatalf("%d clauses, want %d: %v", len(got), len(tc.want), got)
			}
			for i, c := range got {
				if s := fmt.Sprintf("%s: %s %v", c.what, c.where, c.args); s != tc.want[i] {
					t.Errorf("clause %d:\n got %.200s\nwant %.200s", i, s, tc.want[i])
				}
			}
		})
	}
}

// marks is "?1,?2,...,?n".
func marks(n int) string {
	s := ""
	for i := 1; i <= n; i++ {
		if i > 1 {
			s += ","
		}
		s += fmt.Sprintf("?%d", i)
	}
	return s
}
