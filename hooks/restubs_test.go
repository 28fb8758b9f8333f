package hooks

import (
	"errors"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// TestRestubs: a pushed file that puts a stub back in a promoted item's
// body, or loses the function, is one line naming the item and the mend; a
// real body, an item of another status, and an unchanged file are none;
// stub settings that cannot be used are a ConfigError.
func TestRestubs(t *testing.T) {
	cfg := config.Default()
	real := "package a\n\nfunc F() int {\n\treturn 1\n}\n"
	stub := "package a\n\nfunc F() int {\n\tpanic(\"not implemented\")\n}\n"
	gone := "package a\n\nfunc G() int {\n\treturn 1\n}\n"
	item := func(st ledger.Status) []Item {
		return []Item{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 7}, Status: st, File: "a.go", Symbol: "F"}}
	}
	for _, tc := range []struct {
		name   string
		pushed map[string][]byte
		items  []Item
		want   string
	}{
		{"real body", map[string][]byte{"a.go": []byte(real)}, item(ledger.Complete), ""},
		{"stub again", map[string][]byte{"a.go": []byte(stub)}, item(ledger.Verified), "feature 7 (a.go F): stub in its body: a.go:4: "},
		{"function gone", map[string][]byte{"a.go": []byte(gone)}, item(ledger.Complete), "feature 7 (a.go F): "},
		{"stub while only claimed", map[string][]byte{"a.go": []byte(stub)}, item(ledger.Stub), ""},
		{"file not pushed", map[string][]byte{"b.go": []byte(stub)}, item(ledger.Complete), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Restubs(cfg, tc.pushed, tc.items)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("Restubs = %q, want nothing", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) || !strings.HasSuffix(got[0], "; demote it with an --override reason first") {
				t.Fatalf("Restubs = %q, want one line starting %q with the mend", got, tc.want)
			}
		})
	}
	bad := cfg
	bad.Stubs.Patterns = []string{"(unclosed"}
	_, err := Restubs(bad, map[string][]byte{"a.go": []byte(real)}, item(ledger.Complete))
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), "(unclosed") {
		t.Fatalf("Restubs with a stub pattern that does not compile: %v, want a ConfigError naming it", err)
	}
}
