package gitstore

import (
	"slices"
	"testing"
)

func TestSplitAlternates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"/srv/a/objects", []string{"/srv/a/objects"}},
		{"/srv/a/objects:/srv/b/objects", []string{"/srv/a/objects", "/srv/b/objects"}},
		{`"/srv/with:colon/objects":/srv/b`, []string{"/srv/with:colon/objects", "/srv/b"}},
		{"::/x:", []string{"/x"}},
		{`"/unterminated`, []string{"/unterminated"}},
	} {
		if got := SplitAlternates(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SplitAlternates(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSplitAlternates(f *testing.F) {
	f.Add(`"/a:b":/c`)
	f.Fuzz(func(t *testing.T, v string) {
		for _, e := range SplitAlternates(v) {
			if e == "" {
				t.Fatalf("%q: empty entry", v)
			}
		}
	})
}
