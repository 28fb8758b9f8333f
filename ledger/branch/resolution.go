package branch

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// resolutionSigners replays the ledger with the resolution rec committed on
// tip (a commit that no ref names): a resolution that replay would refuse is
// refused before it is written, and the allowed_signers its commit must
// carry (the signers in force once its decisions apply) is returned.
func (w *Writer) resolutionSigners(tip plumbing.Hash, rec *ledger.Record, files map[string][]byte) ([]byte, error) {
	trial, err := w.Store.CommitFiles(tip, files, rec.Entry.Summary, w.Author, w.Signer)
	if err != nil {
		return nil, err
	}
	col, err := Collect(w.Store, trial, nil)
	if err != nil {
		return nil, err
	}
	st := ledger.NewState(nil)
	refused, err := ledger.Replay(&col.History, trial.String(), st)
	if err != nil {
		return nil, err
	}
	for _, f := range refused {
		if f.Entry != rec.ID {
			continue
		}
		if f.Err != nil {
			return nil, f.Err
		}
		return nil, &ledger.RuleError{Msg: f.Msg, Code: ledger.CodeResolutionRefused, Entry: rec.ID}
	}
	signers, err := st.ActiveSigners()
	if err != nil {
		return nil, err
	}
	return sshkey.FormatAllowedSigners(signers), nil
}
