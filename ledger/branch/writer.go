package branch

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// View is what a writer needs of the derived view (porting.db): the state
// at a ledger head, and a place to record the state after a write.
type View interface {
	// StateAt brings the view up to head and returns a State backed by it.
	StateAt(head plumbing.Hash) (*ledger.State, error)
	// Save records st, read at from and to which recs were applied (in
	// order, each in a commit of its own, the last at head), as the state
	// at head. A view that is no longer at from (another process rebuilt
	// or refreshed it meanwhile) is left as it is: its next refresh reads
	// the new commits.
	Save(st *ledger.State, from, head plumbing.Hash, recs ...*ledger.Record) error
}

// Writer appends entries to a ledger.
type Writer struct {
	Store  Storage
	Signer *sshkey.Signer
	Author gitstore.Author
	// Contains, if set, is given to the State so that verified moves are
	// checked against the code's history.
	Contains func(ancestor, descendant string) (bool, error)
}

// maxRetries bounds how often a write is redone after the branch moved
// under it (a git command updating it at the same moment).
const maxRetries = 10

// Init writes the genesis entry that names the first signer and creates
// the ledger branch. It fails if the branch exists.
func (w *Writer) Init(v View, identity string) (*ledger.Record, error) {
	if err := sshkey.CheckIdentity(identity); err != nil {
		return nil, err
	}
	unlock, err := w.Store.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := w.Store.Head(); err == nil {
		return nil, fmt.Errorf("the ledger branch %s already exists", w.Store.Branch())
	} else if !errors.Is(err, gitstore.ErrNoLedger) {
		return nil, err
	}
	st, err := v.StateAt(plumbing.ZeroHash)
	if err != nil {
		return nil, err
	}
	e := &ledger.Entry{Kind: ledger.KindGenesis, Identity: identity, Key: w.Signer.AuthorizedKey(),
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
		gitstore.EntryPath(rec.ID):  file,
		gitstore.AllowedSignersFile: sshkey.FormatAllowedSigners(signers),
		attributesFile:              []byte(attributes),
		readmeFile:                  []byte(branchReadme),
	}
	tip, err := w.commit(plumbing.ZeroHash, rec, files)
	if err != nil {
		return nil, err
	}
	return rec, w.publish(v, st, plumbing.ZeroHash, tip, []*ledger.Record{rec})
}

// Append builds an entry from the current state with build, checks it
// against every rule, signs it, commits it and moves the branch. Nothing
// is written if build or a rule refuses. If the branch moves under it, the
// whole write (state, build, rules) is redone.
func (w *Writer) Append(v View, build func(st *ledger.State) (*ledger.Entry, error)) (*ledger.Record, error) {
	recs, err := w.AppendAll(v, func(st *ledger.State, i int) (*ledger.Entry, error) {
		if i > 0 {
			return nil, nil
		}
		e, err := build(st)
		if err == nil && e == nil {
			err = errors.New("nothing to write")
		}
		return e, err
	})
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// AppendAll writes a run of entries as one change of the ledger: build
// makes entry i (0, 1, ...) from the state that the entries before it
// left, until it returns nil. Each entry is checked, signed and committed
// on the one before, as Append does, and the branch moves once, to the
// last, so that the run is published whole or not at all: nothing is
// written if build or a rule refuses any of them. It returns the records
// in order, none when build made no entry. The records of a run of more
// than one entry keep no file bytes (Payload and Armored are nil; the
// ledger has them): a run may write hundreds of megabytes.
func (w *Writer) AppendAll(v View, build func(st *ledger.State, i int) (*ledger.Entry, error)) ([]*ledger.Record, error) {
	unlock, err := w.Store.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		recs, err := w.appendOnce(v, build)
		if errors.Is(err, gitstore.ErrRefChanged) && attempt < maxRetries {
			continue
		}
		return recs, err
	}
}

func (w *Writer) appendOnce(v View, build func(st *ledger.State, i int) (*ledger.Entry, error)) ([]*ledger.Record, error) {
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
		return nil, ledger.NotSigner(w.Author.Email, w.Signer)
	}
	var recs []*ledger.Record
	tip := head
	for i := 0; ; i++ {
		e, err := build(st, i)
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		rec, file, err := w.seal(st, e, me.Identity)
		if err != nil {
			return nil, err
		}
		files := map[string][]byte{gitstore.EntryPath(rec.ID): file}
		if e.Kind == ledger.KindResolution {
			if files[gitstore.AllowedSignersFile], err = w.resolutionSigners(tip, rec, files); err != nil {
				return nil, err
			}
		}
		if e.Kind == ledger.KindSigner {
			signers, err := st.ActiveSigners()
			if err != nil {
				return nil, err
			}
			files[gitstore.AllowedSignersFile] = sshkey.FormatAllowedSigners(signers)
		}
		if tip, err = w.commit(tip, rec, files); err != nil {
			return nil, err
		}
		recs = append(recs, rec)
		if i > 0 {
			for _, r := range recs[len(recs)-2:] {
				r.Payload, r.Armored = nil, nil
			}
		}
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs, w.publish(v, st, head, tip, recs)
}

// seal completes, signs and checks an entry, applying it to st.
func (w *Writer) seal(st *ledger.State, e *ledger.Entry, signer string) (*ledger.Record, []byte, error) {
	e.Version = ledger.FormatVersion
	e.Signer = signer
	e.Time = w.Store.Time().UTC().Truncate(1e9)
	e.Clock = st.Clock + 1
	payload, err := e.EncodePayload()
	if err != nil {
		return nil, nil, err
	}
	armored, err := w.Signer.Sign(payload, sshkey.Namespace)
	if err != nil {
		return nil, nil, err
	}
	file := ledger.AssembleFile(payload, armored)
	// Read back what will be stored, exactly as an auditor will.
	rec, err := ledger.ParseRecord("", file)
	if err != nil {
		return nil, nil, fmt.Errorf("entry does not read back: %w", err)
	}
	if err := rec.Verify(); err != nil {
		return nil, nil, fmt.Errorf("entry signature does not verify: %w", err)
	}
	if err := st.Apply(rec); err != nil {
		return nil, nil, err
	}
	st.Clock = e.Clock
	return rec, file, nil
}

// commit writes the commit that adds rec's files on parent (zero: the
// first commit) and records it in rec; it does not move the branch.
func (w *Writer) commit(parent plumbing.Hash, rec *ledger.Record, files map[string][]byte) (plumbing.Hash, error) {
	msg := rec.Entry.Summary + "\n\nPorttracker-Entry: " + gitstore.EntryPath(rec.ID) + "\n"
	c, err := w.Store.CommitFiles(parent, files, msg, w.Author, w.Signer)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	rec.Commit = c.String()
	return c, nil
}

// publish moves the branch from head to tip, the commit of the last of
// recs, and records st, to which recs were applied, in the view.
func (w *Writer) publish(v View, st *ledger.State, head, tip plumbing.Hash, recs []*ledger.Record) error {
	if err := w.Store.UpdateRef(head, tip); err != nil {
		return err
	}
	// The entries are written once the ref moved: what fails after that
	// (the disk filling up while packing or saving the view) is a warning.
	last := recs[len(recs)-1]
	if err := w.Store.MaybePack(); err != nil {
		last.Warnings = append(last.Warnings, fmt.Sprintf("packing the ledger's objects failed (git gc can do it): %v", err))
	}
	commits := make(map[string]string, len(recs))
	for _, r := range recs {
		commits[r.ID] = r.Commit
	}
	for i := range st.Transitions {
		if c, ok := commits[st.Transitions[i].Entry]; ok {
			st.Transitions[i].Commit = c
		}
	}
	if err := v.Save(st, head, tip, recs...); err != nil {
		last.Warnings = append(last.Warnings, fmt.Sprintf("the view was not updated (the next command brings it up to date): %v", err))
	}
	return nil
}
