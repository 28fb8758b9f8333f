package hooks

import (
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Items is what the hooks read of a clone's items: the listing of every
// item with a target file (in porttracker, the view's), and one item's
// state as the ledger check reads it, so that a listing edited to call a
// promoted item not_started does not hide it.
type Items interface {
	// Mapped lists the items with a target file, features first, by ID;
	// File is the target file and Status what the listing says.
	Mapped() ([]Item, error)
	// LoadItem is one item's state, checked against the ledger; nil when
	// the item is not defined.
	LoadItem(ledger.ItemKey) (*ledger.ItemState, error)
}

// Promoted lists the complete and verified items whose target file is
// among files (path to content, as StagedFiles or PushedFiles give them).
// Every item listed as mapped to one of the files is read again through
// LoadItem, whatever status the listing gives it, and judged by that.
func Promoted(items Items, files map[string][]byte) ([]Item, error) {
	mapped, err := items.Mapped()
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, m := range mapped {
		if _, ok := files[m.File]; !ok {
			continue
		}
		it, err := items.LoadItem(m.ItemKey)
		if err != nil {
			return nil, err
		}
		if it == nil || (it.Status != ledger.Complete && it.Status != ledger.Verified) {
			continue
		}
		out = append(out, Item{ItemKey: it.Key, Status: it.Status, File: it.TargetFile, Symbol: it.TargetSymbol})
	}
	return out, nil
}

// PushedRestubs is pre-commit's check at a pushed code commit sha: one
// line (see Restubs) per complete or verified item whose target file
// differs from the remote's commit remoteSHA (every one when the remote has
// none, or has one this clone has not seen) and whose body the push
// undoes. Commits git makes without a hook (git cherry-pick) are caught
// here before they leave. A stub setting of cfg that cannot be used is a
// ConfigError.
func PushedRestubs(store *gitstore.Store, cfg config.Config, items Items, sha, remoteSHA string) ([]string, error) {
	mapped, err := items.Mapped()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, m := range mapped {
		paths = append(paths, m.File)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	old := ""
	if remote := gitstore.NewHash(remoteSHA); !remote.IsZero() {
		if _, err := store.Commit(remote); err == nil {
			old = remoteSHA
		}
	}
	pushed, err := PushedFiles(store.Objects(), old, sha, paths)
	if err != nil {
		return nil, err
	}
	promoted, err := Promoted(items, pushed)
	if err != nil {
		return nil, err
	}
	return Restubs(cfg, pushed, promoted)
}
