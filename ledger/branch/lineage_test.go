package branch

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// TestRevocationMergedWithConcurrentEntries: bob is revoked on one side
// while, on the other, bob adds carol; once the two sides are merged the
// replay reports the conflict, and carol is no signer. Whatever order the
// histories were merged in, the result is the same.
func TestRevocationMergedWithConcurrentEntries(t *testing.T) {
	_, w := newLedger(t)
	bob := newKey(t)
	carol := newKey(t)
	add := func(w *Writer, id string, k *sshkey.Signer) *ledger.Record {
		e, err := ledger.BuildSigner(id, k.AuthorizedKey(), ledger.ActionAdd)
		if err != nil {
			t.Fatal(err)
		}
		return appendEntry(t, w, e)
	}
	add(w, "bob@example.com", bob)
	base := mustHead(t, w)
	rev, err := ledger.BuildSigner("bob@example.com", "", ledger.ActionRevoke)
	if err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, rev)
	revoked := mustHead(t, w)
	// Bob's side: written on the history before the revocation.
	if err := w.Store.UpdateRef(revoked, base); err != nil {
		t.Fatal(err)
	}
	wb := &Writer{Store: w.Store, Signer: bob, Author: w.Author}
	add(wb, "carol@example.com", carol)
	bobSide := mustHead(t, w)
	for name, order := range map[string][2]struct{ local, remote string }{
		"revocation merges bob's side": {{"revoked", "bob"}},
		"bob's side merges revocation": {{"bob", "revoked"}},
	} {
		heads := map[string]string{"revoked": revoked.String(), "bob": bobSide.String()}
		cur := mustHead(t, w)
		local := heads[order[0].local]
		if err := w.Store.UpdateRef(cur, plumbing.NewHash(local)); err != nil {
			t.Fatal(err)
		}
		m, err := w.Merge(plumbing.NewHash(heads[order[0].remote]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		col, err := Collect(w.Store, m.Head, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := ledger.NewState(nil)
		refused, err := ledger.Replay(&col.History, m.Head.String(), st)
		if err != nil {
			t.Fatal(err)
		}
		if len(refused) != 1 || !strings.Contains(refused[0].Msg, `conflict: signer "bob@example.com" was revoked by entry`) {
			t.Fatalf("%s: refused %v", name, refused)
		}
		if sg, _ := st.Signer("carol@example.com"); sg != nil && sg.Active {
			t.Fatalf("%s: carol, added by bob concurrently with his revocation, is a signer", name)
		}
		if sg, _ := st.Signer("bob@example.com"); sg == nil || sg.Active {
			t.Fatalf("%s: bob is not revoked: %+v", name, sg)
		}
	}
}

// TestClockRules: a clock that is not one past the largest in the entry's
// history is refused at replay, an absurd one included, and writes go on
// after it.
func TestClockRules(t *testing.T) {
	_, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	head := mustHead(t, w)
	col, err := Collect(w.Store, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		clock uint64
		ok    bool
	}{{2, true}, {1, false}, {3, false}, {9223372036854775807, false}} {
		c := *col
		c.Records = append([]*ledger.Record(nil), col.Records...)
		last := *c.Records[len(c.Records)-1]
		e := *last.Entry
		e.Clock = tt.clock
		last.Entry = &e
		c.Records[len(c.Records)-1] = &last
		_, valid, findings, err := ledger.NewLineage(&c.History, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.ok != (len(findings) == 0) || tt.ok != (len(valid) == len(col.Records)) {
			t.Errorf("clock %d: findings %v", tt.clock, findings)
		}
	}
}
