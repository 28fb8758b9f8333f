package audit

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestCheckPush holds pre-push's ledger check to each case: a push of a
// ledger that verifies onto nothing or onto its own history passes; a
// rewound branch, a remote head this clone never saw, and a ledger with a
// forged entry are each one problem.
func TestCheckPush(t *testing.T) {
	f := viewtest.New(t)
	s := f.Store
	head, err := s.Head()
	if err != nil {
		t.Fatal(err)
	}
	// A commit beside the branch, as a clone that rewound it would have
	// pushed, and one adding an entry file no signer wrote.
	side, err := s.CommitFiles(head, map[string][]byte{"notes.txt": []byte("aside\n")}, "aside\n", f.W.Author, f.W.Signer)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := s.CommitFiles(head, map[string][]byte{gitstore.EntryPath(strings.Repeat("cd", 20)): []byte("kind = \"transition\"\n")}, "forged\n", f.W.Author, f.W.Signer)
	if err != nil {
		t.Fatal(err)
	}
	unseen := plumbing.NewHash(strings.Repeat("ef", 20))
	for _, tc := range []struct {
		name          string
		local, remote plumbing.Hash
		want          string
	}{
		{"first push", head, plumbing.ZeroHash, ""},
		{"up to date", head, head, ""},
		{"rewound", head, side, "is not contained in " + head.String()[:10] + ": this push would rewrite its history"},
		{"unseen remote", head, unseen, "which this clone has not seen"},
		{"forged entry", forged, head, "entries/cd/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckPush(s, tc.local, tc.remote, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("problems %q, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Fatalf("problems %q, want one saying %q", got, tc.want)
			}
		})
	}
}
