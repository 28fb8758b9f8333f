package ledger

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"
)

// View is what a writer needs of the derived view (porting.db): the state
// at a ledger head, and a place to record the state after a write.
type View interface {
	// StateAt brings the view up to head and returns a State backed by it.
	StateAt(head plumbing.Hash) (*State, error)
	// Save records st, to which rec was applied, as the state at head.
	Save(st *State, head plumbing.Hash, rec *Record) error
}

// Writer appends entries to a ledger.
type Writer struct {
	Store  *Store
	Signer *Signer
	Author Author
	// Contains, if set, is given to the State so that verified moves are
	// checked against the code's history.
	Contains func(ancestor, descendant string) (bool, error)
}

// maxRetries bounds how often a write is redone after the branch moved
// under it (a git command updating it at the same moment).
const maxRetries = 10

// Files fixed in the ledger tree besides the entries.
const (
	AllowedSignersFile = "allowed_signers"
	attributesFile     = ".gitattributes"
	readmeFile         = "README.md"
)

// attributes lets plain git merge two clones' signer lists without a
// conflict: each line is one signer, so a union of lines is right.
const attributes = "allowed_signers merge=union\n"

const branchReadme = `# porting-ledger

This branch is a porttracker ledger. Each commit adds exactly one signed
entry under entries/; no commit edits or deletes one. allowed_signers lists
the current signers. Check an entry with stock tools:

    sed '/^\[signature\]$/,$d' entries/xx/ID.toml > payload
    sed -n '/^-----BEGIN/,/^-----END/p' entries/xx/ID.toml > payload.sig
    ssh-keygen -Y verify -f allowed_signers -I SIGNER -n porting-ledger -s payload.sig < payload

Run porttracker audit to replay and verify the whole history.
`

// Init writes the genesis entry that names the first signer and creates
// the ledger branch. It fails if the branch exists.
func (w *Writer) Init(v View, identity string) (*Record, error) {
	if err := CheckIdentity(identity); err != nil {
		return nil, err
	}
	unlock, err := w.Store.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := w.Store.Head(); err == nil {
		return nil, fmt.Errorf("the ledger branch %s already exists", w.Store.Branch())
	} else if !errors.Is(err, ErrNoLedger) {
		return nil, err
	}
	st, err := v.StateAt(plumbing.ZeroHash)
	if err != nil {
		return nil, err
	}
	e := &Entry{Kind: KindGenesis, Identity: identity, Key: w.Signer.AuthorizedKey(),
		Summary: "genesis: first signer " + identity}
	rec, file, err := w.seal(st, e, identity)
	if err != nil {
		return nil, err
	}
	signers, err := st.ActiveSigners()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		EntryPath(rec.ID):  file,
		AllowedSignersFile: FormatAllowedSigners(signers),
		attributesFile:     []byte(attributes),
		readmeFile:         []byte(branchReadme),
	}
	return rec, w.publish(v, st, plumbing.ZeroHash, rec, files)
}

// Append builds an entry from the current state with build, checks it
// against every rule, signs it, commits it and moves the branch. Nothing
// is written if build or a rule refuses. If the branch moves under it, the
// whole write (state, build, rules) is redone.
func (w *Writer) Append(v View, build func(st *State) (*Entry, error)) (*Record, error) {
	unlock, err := w.Store.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		rec, err := w.appendOnce(v, build)
		if errors.Is(err, ErrRefChanged) && attempt < maxRetries {
			continue
		}
		return rec, err
	}
}

func (w *Writer) appendOnce(v View, build func(st *State) (*Entry, error)) (*Record, error) {
	head, err := w.Store.Head()
	if err != nil {
		return nil, err
	}
	st, err := v.StateAt(head)
	if err != nil {
		return nil, err
	}
	st.Contains = w.Contains
	me, err := st.SignerForKey(w.Signer.AuthorizedKey())
	if err != nil {
		return nil, err
	}
	if me == nil {
		return nil, &RuleError{Msg: fmt.Sprintf("key %s (%s) is not an allowed signer of this ledger: a signer must run porttracker signer add IDENTITY KEY.pub", ssh.FingerprintSHA256(w.Signer.PublicKey()), w.Signer.From)}
	}
	e, err := build(st)
	if err != nil {
		return nil, err
	}
	rec, file, err := w.seal(st, e, me.Identity)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{EntryPath(rec.ID): file}
	if e.Kind == KindSigner {
		signers, err := st.ActiveSigners()
		if err != nil {
			return nil, err
		}
		files[AllowedSignersFile] = FormatAllowedSigners(signers)
	}
	return rec, w.publish(v, st, head, rec, files)
}

// seal completes, signs and checks an entry, applying it to st.
func (w *Writer) seal(st *State, e *Entry, signer string) (*Record, []byte, error) {
	e.Version = FormatVersion
	e.Signer = signer
	e.Time = w.Store.Now().UTC().Truncate(1e9)
	e.Clock = st.Last.Clock + 1
	payload, err := e.EncodePayload()
	if err != nil {
		return nil, nil, err
	}
	armored, err := w.Signer.Sign(payload, Namespace)
	if err != nil {
		return nil, nil, err
	}
	file := AssembleFile(payload, armored)
	// Read back what will be stored, exactly as an auditor will.
	rec, err := ParseRecord("", file)
	if err != nil {
		return nil, nil, fmt.Errorf("entry does not read back: %w", err)
	}
	if err := rec.Verify(); err != nil {
		return nil, nil, fmt.Errorf("entry signature does not verify: %w", err)
	}
	if err := st.Apply(rec); err != nil {
		return nil, nil, err
	}
	return rec, file, nil
}

func (w *Writer) publish(v View, st *State, head plumbing.Hash, rec *Record, files map[string][]byte) error {
	msg := rec.Entry.Summary + "\n\nPorttracker-Entry: " + EntryPath(rec.ID) + "\n"
	commit, err := w.Store.CommitFiles(head, files, msg, w.Author, w.Signer)
	if err != nil {
		return err
	}
	if err := w.Store.UpdateRef(head, commit); err != nil {
		return err
	}
	// Packing is housekeeping: the entry is written whether or not it works.
	_ = w.Store.MaybePack()
	rec.Commit = commit.String()
	for i := range st.Transitions {
		if st.Transitions[i].Entry == rec.ID {
			st.Transitions[i].Commit = rec.Commit
		}
	}
	if err := v.Save(st, commit, rec); err != nil {
		return fmt.Errorf("entry %s is in the ledger, but the view was not updated (the next command rebuilds it): %w", short(rec.ID), err)
	}
	return nil
}
