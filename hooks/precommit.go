package hooks

import (
	"cmp"
	"path"
	"slices"

	"github.com/porttracker/porttracker/ledger"
)

// Item is a promoted item whose target body a commit must not re-stub.
type Item struct {
	ledger.ItemKey
	Status ledger.Status
	// File is the target file, relative to the repository root.
	File string
	// Symbol is the target symbol whose body is checked.
	Symbol string
}

// Problem is why a commit is refused for one item.
type Problem struct {
	Item Item
	Msg  string
}

// CheckFunc scans the body of symbol in src, the staged content of file.
// A non-empty problem refuses the commit; an error is reported as one too,
// since a hook that cannot check must not let the commit through.
type CheckFunc func(file string, src []byte, symbol string) (problem string, err error)

// PreCommit checks the complete and verified items whose target file is
// staged (see StagedFiles) against its staged content, and returns why the
// commit must be refused, by kind and ID. Items of other statuses or
// without a target mapping are skipped; a staged deletion of a target file
// is a problem.
func PreCommit(staged map[string][]byte, items []Item, check CheckFunc) []Problem {
	var out []Problem
	for _, it := range items {
		if it.Status != ledger.Complete && it.Status != ledger.Verified {
			continue
		}
		if it.File == "" || it.Symbol == "" {
			continue
		}
		src, ok := staged[path.Clean(it.File)]
		if !ok {
			continue
		}
		if src == nil {
			out = append(out, Problem{Item: it, Msg: "its target file is deleted in this commit"})
			continue
		}
		msg, err := check(it.File, src, it.Symbol)
		if err != nil {
			msg = "cannot check its body: " + err.Error()
		}
		if msg != "" {
			out = append(out, Problem{Item: it, Msg: msg})
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Item.Kind, b.Item.Kind), cmp.Compare(a.Item.ID, b.Item.ID))
	})
	return out
}
