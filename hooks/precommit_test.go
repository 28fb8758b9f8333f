package hooks

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// stubCheck is a check that finds "STUB" in the body, "gone" when the
// symbol is not in the source, and fails on "BROKEN".
func stubCheck(calls *[]string) CheckFunc {
	return func(file string, src []byte, symbol string) (string, error) {
		*calls = append(*calls, file+" "+symbol)
		s := string(src)
		switch {
		case strings.Contains(s, "BROKEN"):
			return "", errors.New("cannot parse")
		case !strings.Contains(s, "func "+symbol):
			return "symbol " + symbol + " not found", nil
		case strings.Contains(s, "STUB"):
			return file + ":3: stub", nil
		}
		return "", nil
	}
}

func TestPreCommit(t *testing.T) {
	add := Item{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1636}, Status: ledger.Complete, File: "pkg/add.go", Symbol: "Add"}
	sub := Item{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1637}, Status: ledger.Verified, File: "pkg/add.go", Symbol: "Sub"}
	test := Item{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 757}, Status: ledger.Verified, File: "pkg/add_test.go", Symbol: "TestAdd"}
	stub := Item{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1638}, Status: ledger.Stub, File: "pkg/add.go", Symbol: "Mul"}
	unmapped := Item{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1639}, Status: ledger.Complete}
	good := "package pkg\n\nfunc Add() {}\nfunc Sub() {}\n"
	tests := []struct {
		name      string
		staged    map[string][]byte
		items     []Item
		want      []Problem
		wantCalls []string
	}{
		{name: "nothing staged", staged: map[string][]byte{}, items: []Item{add, test}},
		{
			name: "other files staged", staged: map[string][]byte{"README.md": []byte("STUB")},
			items: []Item{add, test},
		},
		{
			name: "good bodies", staged: map[string][]byte{"pkg/add.go": []byte(good)},
			items: []Item{add, sub, test}, wantCalls: []string{"pkg/add.go Add", "pkg/add.go Sub"},
		},
		{
			name:   "re-stubbed",
			staged: map[string][]byte{"pkg/add.go": []byte(good + "// STUB\n"), "pkg/add_test.go": []byte("func TestAdd STUB")},
			items:  []Item{test, add},
			want: []Problem{
				{Item: add, Msg: "pkg/add.go:3: stub"},
				{Item: test, Msg: "pkg/add_test.go:3: stub"},
			},
			wantCalls: []string{"pkg/add_test.go TestAdd", "pkg/add.go Add"},
		},
		{
			name: "symbol removed", staged: map[string][]byte{"pkg/add.go": []byte("package pkg\n\nfunc Add() {}\n")},
			items: []Item{add, sub}, want: []Problem{{Item: sub, Msg: "symbol Sub not found"}},
			wantCalls: []string{"pkg/add.go Add", "pkg/add.go Sub"},
		},
		{
			name: "target file deleted", staged: map[string][]byte{"pkg/add.go": nil},
			items: []Item{add}, want: []Problem{{Item: add, Msg: "its target file is deleted in this commit"}},
		},
		{
			name: "a check that fails refuses", staged: map[string][]byte{"pkg/add.go": []byte("BROKEN")},
			items: []Item{add}, want: []Problem{{Item: add, Msg: "cannot check its body: cannot parse"}},
			wantCalls: []string{"pkg/add.go Add"},
		},
		{
			name: "items that are not promoted or not mapped are skipped", staged: map[string][]byte{"pkg/add.go": []byte("STUB")},
			items: []Item{stub, unmapped},
		},
		{
			name: "target file written with ./", staged: map[string][]byte{"pkg/add.go": []byte(good + "// STUB\n")},
			items:     []Item{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, Status: ledger.Complete, File: "./pkg/add.go", Symbol: "Add"}},
			want:      []Problem{{Item: Item{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, Status: ledger.Complete, File: "./pkg/add.go", Symbol: "Add"}, Msg: "./pkg/add.go:3: stub"}},
			wantCalls: []string{"./pkg/add.go Add"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			got := PreCommit(tt.staged, tt.items, stubCheck(&calls))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PreCommit = %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Errorf("checked %q, want %q", calls, tt.wantCalls)
			}
		})
	}
}
