package ledger

import (
	"slices"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Finding is something wrong in the ledger, named by entry and commit.
type Finding struct {
	Commit string `json:"commit,omitempty"`
	Path   string `json:"path,omitempty"`
	Entry  string `json:"entry,omitempty"`
	Msg    string `json:"message"`
	// ConflictWith is, for an entry concurrent with its signer's
	// revocation, that revocation's ID (see KindResolution).
	ConflictWith string `json:"conflict_with,omitempty"`
}

func (f Finding) String() string {
	where := ""
	if f.Path != "" {
		where = f.Path
	} else if f.Entry != "" {
		where = "entry " + short(f.Entry)
	}
	if f.Commit != "" {
		if where != "" {
			where += " "
		}
		where += "(commit " + short(f.Commit) + ")"
	}
	if where == "" {
		return f.Msg
	}
	return where + ": " + f.Msg
}

// Collected is what branch.Collect read from the new part of the branch.
type Collected struct {
	// Records are the valid, signature-checked entries added by the new
	// commits, sorted in replay order.
	Records []*Record
	// Commits are the new commits, newest first.
	Commits []*gitstore.CommitInfo
	// Findings are entries that could not be read or verified.
	Findings []Finding
}

// SortRecords sorts records in replay order.
func SortRecords(recs []*Record) {
	slices.SortFunc(recs, func(a, b *Record) int {
		switch pa, pb := a.Position(), b.Position(); {
		case pa.Before(pb):
			return -1
		case pb.Before(pa):
			return 1
		}
		return 0
	})
}
