package audit

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/ledger"
)

// TestVerifyUpdate: a server hook verifies a push from the last verified
// head: a move forward verifies, a rewind and a deletion are refused.
func TestVerifyUpdate(t *testing.T) {
	f := viewtest.New(t)
	f.Inventory([]ledger.ItemDef{{ID: 1}, {ID: 2}}, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-2"}})
	f.Batch(1, ledger.ActionStart)
	store := f.Store
	old, err := store.Head()
	if err != nil {
		t.Fatal(err)
	}
	f.Move(ledger.Feature, "1", ledger.Stub, "", "")
	head, err := store.Head()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		old, head plumbing.Hash
		want      string
	}{
		{"forward", old, head, ""},
		{"new branch", plumbing.ZeroHash, head, ""},
		{"rewind", head, old, "rewinds or rewrites"},
		{"delete", head, plumbing.ZeroHash, "deletes the ledger branch"},
	} {
		res, err := VerifyUpdate(store, tt.old, tt.head, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		switch {
		case tt.want == "" && !res.OK():
			t.Errorf("%s: %v", tt.name, res.Findings)
		case tt.want != "" && (res.OK() || !strings.Contains(res.Findings[len(res.Findings)-1].Msg, tt.want)):
			t.Errorf("%s: findings %v, want %q", tt.name, res.Findings, tt.want)
		}
	}
}
