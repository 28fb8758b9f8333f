package viewdb

import (
	"fmt"
	"strconv"

	"github.com/porttracker/porttracker/ledger"
)

// SourceItem is an item as a scan reconciles it with the source: its key,
// status, mapping and whether a scan found it removed.
type SourceItem struct {
	ledger.ItemKey
	Status  ledger.Status
	Mapping ledger.Mapping
	Removed bool
}

// scanCacheKiB is the shadow's page cache while SourceItems reads it
// (SQLite's default, 2 MiB).
const scanCacheKiB = -2000

// sourceItemsQuery reads the columns of SourceItem, of one kind's table in
// the shadow, by ID.
const sourceItemsQuery = `SELECT id, status, source_file, source_symbol, source_start, source_end,
	source_commit, source_digest, target_file, target_symbol, test_filter, removed FROM shadow.%s ORDER BY id`

// SourceItems returns every feature and then every test, each by ID, with
// only the columns a scan reads. They are read from the view's shadow, the
// rows porttracker wrote (see shadow.go), in one query per kind: the rows
// List would give after checking whole tables against the shadow, without
// the cost of that comparison, which at 60,000 items is most of the read.
func (v *View) SourceItems() (_ []SourceItem, err error) {
	// Each page of the two tables is read once: read through SQLite's
	// default page cache, not the view's large one (viewCacheKiB), which
	// would take a page of memory for every page read and free them all
	// when the view closes (half a second at 60,000 items).
	if _, err := v.q.Exec(`PRAGMA shadow.cache_size = ` + strconv.Itoa(scanCacheKiB)); err != nil {
		return nil, fmt.Errorf("read the items: %w", err)
	}
	defer func() {
		if _, rerr := v.q.Exec(`PRAGMA shadow.cache_size = ` + strconv.Itoa(viewCacheKiB)); rerr != nil && err == nil {
			err = fmt.Errorf("read the items: %w", rerr)
		}
	}()
	var n int
	if err := v.q.QueryRow(`SELECT (SELECT count(*) FROM shadow.features) + (SELECT count(*) FROM shadow.tests)`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count the items: %w", err)
	}
	out := make([]SourceItem, 0, n)
	for _, kind := range []ledger.Kind{ledger.Feature, ledger.Test} {
		rows, err := v.q.Query(fmt.Sprintf(sourceItemsQuery, kind.Plural()))
		if err != nil {
			return nil, fmt.Errorf("read the %s: %w", kind.Plural(), err)
		}
		for rows.Next() {
			it := SourceItem{ItemKey: ledger.ItemKey{Kind: kind}}
			var status string
			m := &it.Mapping
			if err := rows.Scan(&it.ID, &status, &m.SourceFile, &m.SourceSymbol, &m.SourceStart, &m.SourceEnd,
				&m.SourceCommit, &m.SourceDigest, &m.TargetFile, &m.TargetSymbol, &m.TestFilter, &it.Removed); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read the %s: %w", kind.Plural(), err)
			}
			it.Status = ledger.Status(status)
			out = append(out, it)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read the %s: %w", kind.Plural(), err)
		}
	}
	return out, nil
}
