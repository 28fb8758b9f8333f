package ledger

import "slices"

// Finding is something wrong in the ledger, named by entry and commit.
type Finding struct {
	Commit string `json:"commit,omitempty"`
	Path   string `json:"path,omitempty"`
	Entry  string `json:"entry,omitempty"`
	Msg    string `json:"message"`
	// ConflictWith is, for an entry concurrent with its signer's
	// revocation, that revocation's ID (see KindResolution).
	ConflictWith string `json:"conflict_with,omitempty"`
	// Err is, for an entry a rule refused, the refusal as replay met it
	// (a RuleError, or a type that wraps one), with its code and facts.
	Err error `json:"-"`
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

// History is the part of the ledger branch that replay reads: the entries
// its commits added and the commits themselves.
type History struct {
	// Records are the valid, signature-checked entries added by the
	// commits, sorted in replay order.
	Records []*Record
	// Graph are the commits, newest first.
	Graph []Commit
}

// Commit is a commit of the ledger branch as replay knows it: its object
// name and its parents', in hexadecimal. Replay decides order and
// authority on this graph alone.
type Commit struct {
	ID      string
	Parents []string
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
