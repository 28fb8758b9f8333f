package branch

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// lenientView replays the whole ledger and keeps what applies, findings
// and all, as porting.db does: the state a writer sees beside a conflict.
type lenientView struct{ store Reader }

func (v *lenientView) StateAt(head plumbing.Hash) (*ledger.State, error) {
	st := ledger.NewState(nil)
	col, err := Collect(v.store, head, nil)
	if err != nil {
		return nil, err
	}
	_, err = ledger.Replay(&col.History, head.String(), st)
	return st, err
}

func (v *lenientView) Save(*ledger.State, plumbing.Hash, plumbing.Hash, ...*ledger.Record) error {
	return nil
}

// forgeAs commits e on the branch head signed with key as identity, with
// the clock a writer derives, the way an attacker who holds key (or a
// script of stock tools) would: no porttracker check runs.
func forgeAs(t *testing.T, w *Writer, key *sshkey.Signer, identity string, e *ledger.Entry) *ledger.Record {
	t.Helper()
	head := mustHead(t, w)
	col, err := Collect(w.Store, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	lin, _, _, err := ledger.NewLineage(&col.History, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock, err := lin.Clock(head.String())
	if err != nil {
		t.Fatal(err)
	}
	e.Version, e.Signer, e.Time, e.Clock = ledger.FormatVersion, identity, w.Store.Time().UTC().Truncate(1e9), clock+1
	payload, err := e.EncodePayload()
	if err != nil {
		t.Fatal(err)
	}
	armored, err := key.Sign(payload, sshkey.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	file := ledger.AssembleFile(payload, armored)
	rec, err := ledger.ParseRecord("", file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Store.CommitFiles(head, map[string][]byte{gitstore.EntryPath(rec.ID): file}, e.Summary, w.Author, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Store.UpdateRef(head, c); err != nil {
		t.Fatal(err)
	}
	rec.Commit = c.String()
	return rec
}

// conflictLedger builds the conflict of TestRevocationMergedWithConcurrentEntries:
// alice revokes bob while bob, on a history without the revocation, adds
// carol; the two are merged. It returns the revocation and bob's entry.
func conflictLedger(t *testing.T) (w *Writer, bob, carol *sshkey.Signer, rev, bobAdd *ledger.Record) {
	t.Helper()
	_, w = newLedger(t)
	bob, carol = newKey(t), newKey(t)
	add := func(w *Writer, id string, k *sshkey.Signer) *ledger.Record {
		e, err := ledger.BuildSigner(id, k.AuthorizedKey(), ledger.ActionAdd)
		if err != nil {
			t.Fatal(err)
		}
		return appendEntry(t, w, e)
	}
	add(w, "bob@example.com", bob)
	base := mustHead(t, w)
	e, err := ledger.BuildSigner("bob@example.com", "", ledger.ActionRevoke)
	if err != nil {
		t.Fatal(err)
	}
	rev = appendEntry(t, w, e)
	revoked := mustHead(t, w)
	if err := w.Store.UpdateRef(revoked, base); err != nil {
		t.Fatal(err)
	}
	bobAdd = add(&Writer{Store: w.Store, Signer: bob, Author: w.Author}, "carol@example.com", carol)
	bobSide := mustHead(t, w)
	if err := w.Store.UpdateRef(bobSide, revoked); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Merge(bobSide); err != nil {
		t.Fatal(err)
	}
	return w, bob, carol, rev, bobAdd
}

func replayHead(t *testing.T, w *Writer) (*ledger.State, []ledger.Finding) {
	t.Helper()
	head := mustHead(t, w)
	col, err := Collect(w.Store, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := ledger.NewState(nil)
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		t.Fatal(err)
	}
	return st, refused
}

func isSigner(st *ledger.State, id string) bool {
	sg, _ := st.Signer(id)
	return sg != nil && sg.Active
}

// TestResolveRevocationConflict: a current signer's resolution settles the
// conflict: accepted, bob's entry is replayed (carol is a signer) and no
// finding remains; rejected, it is left out, again without a finding.
func TestResolveRevocationConflict(t *testing.T) {
	for _, accept := range []bool{true, false} {
		w, _, _, rev, bobAdd := conflictLedger(t)
		if _, refused := replayHead(t, w); len(refused) != 1 || !strings.Contains(refused[0].Msg, "conflict") {
			t.Fatalf("before the resolution: %v", refused)
		}
		var acc, rej []string
		if accept {
			acc = []string{bobAdd.ID}
		} else {
			rej = []string{bobAdd.ID}
		}
		e, err := ledger.BuildResolution(rev.ID, acc, rej)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Append(&lenientView{w.Store}, func(*ledger.State) (*ledger.Entry, error) { return e, nil }); err != nil {
			t.Fatalf("alice resolves: %v", err)
		}
		st, refused := replayHead(t, w)
		if len(refused) != 0 {
			t.Fatalf("accept=%v: findings after the resolution: %v", accept, refused)
		}
		if got := isSigner(st, "carol@example.com"); got != accept {
			t.Fatalf("accept=%v: carol is a signer: %v", accept, got)
		}
		if isSigner(st, "bob@example.com") {
			t.Fatal("bob is a signer again")
		}
	}
}

// TestResolutionByWhoMayNot: the revoked signer, a signer that the
// conflicting entry itself added, and a key that was never a signer each
// forge a resolution accepting bob's entry: each is refused, the conflict
// stays, and carol is no signer.
func TestResolutionByWhoMayNot(t *testing.T) {
	stranger := newKey(t)
	for _, who := range []string{"bob@example.com", "carol@example.com", "mallory@example.com"} {
		t.Run(who, func(t *testing.T) {
			w, bob, carol, rev, bobAdd := conflictLedger(t)
			key := map[string]*sshkey.Signer{"bob@example.com": bob, "carol@example.com": carol, "mallory@example.com": stranger}[who]
			e, err := ledger.BuildResolution(rev.ID, []string{bobAdd.ID}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := forgeAs(t, w, key, who, e)
			st, refused := replayHead(t, w)
			var msgs []string
			for _, f := range refused {
				msgs = append(msgs, f.Entry[:12]+": "+f.Msg)
			}
			all := strings.Join(msgs, "\n")
			if len(refused) != 2 || !strings.Contains(all, bobAdd.ID[:12]+": entry "+bobAdd.ID+": conflict") || !strings.Contains(all, res.ID[:12]+":") {
				t.Fatalf("findings:\n%s", all)
			}
			if isSigner(st, "carol@example.com") {
				t.Fatal("carol is a signer")
			}
		})
	}
}

// TestResolutionNamesOnlyConflicts: a resolution naming an entry that is
// not in conflict with the revocation (alice's own addition of bob), or an
// entry that is not a revocation, is refused; one naming an entry twice is
// malformed before it is written.
func TestResolutionNamesOnlyConflicts(t *testing.T) {
	w, _, _, rev, bobAdd := conflictLedger(t)
	st, _ := replayHead(t, w)
	bobAdded, _ := st.Signer("bob@example.com")
	for name, e := range map[string]*ledger.Entry{
		"not a conflict":   {Kind: ledger.KindResolution, Summary: "x", Resolution: &ledger.ResolutionPayload{Revocation: rev.ID, Reject: []string{bobAdded.AddedBy}}},
		"not a revocation": {Kind: ledger.KindResolution, Summary: "x", Resolution: &ledger.ResolutionPayload{Revocation: bobAdd.ID, Accept: []string{bobAdd.ID}}},
	} {
		res := forgeAs(t, w, w.Signer, "alice@example.com", e)
		_, refused := replayHead(t, w)
		found := false
		for _, f := range refused {
			found = found || (f.Entry == res.ID && strings.Contains(f.Msg, "resolution:"))
		}
		if !found {
			t.Errorf("%s: the resolution was not refused: %v", name, refused)
		}
	}
	if _, err := ledger.BuildResolution(rev.ID, []string{bobAdd.ID}, []string{bobAdd.ID}); err == nil {
		t.Error("an entry both accepted and rejected was built")
	}
}
