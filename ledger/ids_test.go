package ledger

import (
	"slices"
	"strings"
	"testing"
)

func TestParseIDs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{in: "1636", want: []int{1636}},
		{in: "1636,1637", want: []int{1636, 1637}},
		{in: "1636-1639", want: []int{1636, 1637, 1638, 1639}},
		{in: " 3 , 1-2 ,2", want: []int{1, 2, 3}},
		{in: "7-7", want: []int{7}},
		{in: "", err: "empty ID list"},
		{in: "  ", err: "empty ID list"},
		{in: "1,,2", err: "empty item"},
		{in: "1,", err: "empty item"},
		{in: "a", err: `"a" is not a positive whole number`},
		{in: "0", err: "not a positive"},
		{in: "-3", err: "missing number"},
		{in: "5-3", err: "runs backwards"},
		{in: "1-", err: "missing number"},
		{in: "1-2-3", err: "not a positive"},
		{in: "1-9999999", err: "expands to more than"},
		{in: "99999999999999999999", err: "not a positive"},
	} {
		got, err := ParseIDs(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseIDs(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseIDs(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatIDs(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{5}, "5"},
		{[]int{1, 2, 3, 7}, "1-3,7"},
		{[]int{1, 3, 5}, "1,3,5"},
		{[]int{963, 964, 986}, "963-964,986"},
	} {
		if got := FormatIDs(tc.in); got != tc.want {
			t.Errorf("FormatIDs(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseIDs(f *testing.F) {
	for _, s := range []string{"1636", "1636,1637", "1636-1655", " 3 , 1-2", "1,,2", "5-3", "a-b", "1-1000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseIDs(s)
		if err != nil {
			return
		}
		if len(ids) == 0 || !slices.IsSorted(ids) || ids[0] <= 0 {
			t.Fatalf("ParseIDs(%q) = %v", s, ids)
		}
		again, err := ParseIDs(FormatIDs(ids))
		if err != nil || !slices.Equal(again, ids) {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
	})
}
