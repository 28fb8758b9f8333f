package viewdb

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestEntryLookupsUseIndexes: the look-ups of entries made on refreshes
// search an index, in a new view and in one written before the
// indexes were part of the schema, instead of scanning the entries table,
// whose size grows with the ledger.
func TestEntryLookupsUseIndexes(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "porting.db")
	lookups := []struct {
		name, query string
		args        []any
	}{
		{"clock of a commit", clockOfCommitQuery, []any{"0123"}},
		{"signer entries", signerEntriesQuery, []any{"signer"}},
	}
	check := func(when string) {
		v, err := OpenView(path, store)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		for _, l := range lookups {
			rows, err := v.db.Query(`EXPLAIN QUERY PLAN `+l.query, l.args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			if got := strings.Join(plan, "; "); !strings.Contains(got, "SEARCH shadow.entries USING") {
				t.Errorf("%s: %s: the plan is %q, want a search of an index", when, l.name, got)
			}
		}
	}
	check("a new view")
}
