package branch

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestNotSignerFacts: a write with a key that is no signer is refused with
// a ledger.NotSignerError that carries the facts an existing signer needs (the
// identity, the key's fingerprint, where the key came from and the key
// itself), is a rule refusal with its code, and words no command.
func TestNotSignerFacts(t *testing.T) {
	for _, identity := range []string{"bob@example.com", ""} {
		t.Run("identity "+identity, func(t *testing.T) {
			_, w := newLedger(t)
			stranger := newKey(t)
			bob := &Writer{Store: w.Store, Signer: stranger, Author: gitstore.Author{Name: "Bob", Email: identity}}
			_, err := bob.Append(&replayView{store: w.Store}, func(*ledger.State) (*ledger.Entry, error) { return sampleInventory(), nil })
			var ns *ledger.NotSignerError
			if !errors.As(err, &ns) {
				t.Fatalf("a stranger's write: %v (%T), want a ledger.NotSignerError", err, err)
			}
			want := ledger.NotSignerError{Identity: identity, Fingerprint: ssh.FingerprintSHA256(stranger.PublicKey()), KeySource: stranger.From, AuthorizedKey: stranger.AuthorizedKey()}
			if ns.Identity != want.Identity || ns.Fingerprint != want.Fingerprint || ns.KeySource != want.KeySource || ns.AuthorizedKey != want.AuthorizedKey {
				t.Errorf("facts %+v, want %+v", *ns, want)
			}
			var re *ledger.RuleError
			if !ledger.IsRule(err) || !errors.As(err, &re) || re.Code != ledger.CodeNotSigner {
				t.Errorf("not a rule refusal with code %s: %v", ledger.CodeNotSigner, err)
			}
			if msg := err.Error(); msg != "key "+want.Fingerprint+" (test key) is not a signer of this ledger" {
				t.Errorf("message %q", msg)
			}
			if mustHead(t, w) != mustHead(t, bob) {
				t.Error("the refused write moved the ledger")
			}
		})
	}
}

// TestFindingKeepsRefusal: replay keeps, with each rule finding, the
// refusal it met, code and facts included (a resolution's trial before it
// is written returns it as it is); a finding that is no rule has none.
func TestFindingKeepsRefusal(t *testing.T) {
	w, _, _, _, bobAdd := conflictLedger(t)
	_, refused := replayHead(t, w)
	var got *ledger.Finding
	for i := range refused {
		if refused[i].Entry == bobAdd.ID {
			got = &refused[i]
		}
	}
	if got == nil {
		t.Fatalf("bob's concurrent entry is not refused: %v", refused)
	}
	var ce *ledger.ConflictError
	var re *ledger.RuleError
	if !errors.As(got.Err, &ce) || ce.Revocation == "" || !errors.As(got.Err, &re) || re.Code != ledger.CodeSignerConflict || re.Entry != bobAdd.ID {
		t.Fatalf("finding %+v does not keep its refusal's type, code and facts", *got)
	}
	if !strings.Contains(got.Msg, got.Err.Error()) {
		t.Errorf("message %q is not the refusal's %q", got.Msg, got.Err)
	}
}
