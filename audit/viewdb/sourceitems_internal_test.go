package viewdb

import (
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestSourceItemsKeepsSettings: SourceItems reads through a small page
// cache and gives the shadow its large one back, for the writes after it.
func TestSourceItemsKeepsSettings(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	v, err := OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.SourceItems(); err != nil {
		t.Fatal(err)
	}
	var got int
	if err := v.db.QueryRow(`PRAGMA ` + shadowSchema + `.cache_size`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != viewCacheKiB {
		t.Fatalf("PRAGMA shadow.cache_size = %d after SourceItems, want %d", got, viewCacheKiB)
	}
}
