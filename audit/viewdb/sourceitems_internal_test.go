package viewdb

import (
	"path/filepath"
	"testing"
)

// TestSourceItemsKeepsSettings: SourceItems reads through a small page
// cache and gives the shadow its large one back, for the writes after it.
func TestSourceItemsKeepsSettings(t *testing.T) {
	dir, store := emptyRepo(t)
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
