package ledger

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxListIDs bounds how many IDs one list may expand to, so that a typo such
// as "1-999999999" is an error rather than an exhausted machine.
const maxListIDs = 1_000_000

// ParseIDs parses an ID list such as "1636,1637" or "1636-1655,1700". Spaces
// around items are ignored. The result is sorted and has no duplicates.
func ParseIDs(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty ID list (give IDs such as 1636,1637 or a range 1636-1655)")
	}
	var ids []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("ID list %q has an empty item (remove the extra comma)", s)
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parseID(strings.TrimSpace(lo))
		if err != nil {
			return nil, fmt.Errorf("ID list %q: %v", s, err)
		}
		b := a
		if isRange {
			if b, err = parseID(strings.TrimSpace(hi)); err != nil {
				return nil, fmt.Errorf("ID list %q: %v", s, err)
			}
			if b < a {
				return nil, fmt.Errorf("ID list %q: range %s runs backwards (write it low-high)", s, part)
			}
		}
		if b-a >= maxListIDs || len(ids)+(b-a+1) > maxListIDs {
			return nil, fmt.Errorf("ID list %q expands to more than %d IDs", s, maxListIDs)
		}
		for id := a; id <= b; id++ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func parseID(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("missing number")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a positive whole number", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", s)
	}
	return n, nil
}

// FormatIDs writes ids (sorted, without duplicates) compactly, folding runs
// into ranges: [1,2,3,7] becomes "1-3,7". ParseIDs reads it back.
func FormatIDs(ids []int) string {
	var b strings.Builder
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ids[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ids[j]))
		}
		i = j + 1
	}
	return b.String()
}
