package viewdb

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// rowsPerInsert is how many item rows one INSERT writes: a write of a large
// inventory stores a million rows, and a statement per row cost more in
// the driver than SQLite spent storing them. 26 columns times 64 rows stay
// well under SQLite's limit of 32,766 parameters.
const rowsPerInsert = 64

// itemColumnCount is the number of itemColumns.
var itemColumnCount = strings.Count(itemColumns, ",") + 1

// putItemRows writes the rows of items, each of its kind's table, as
// putItemRow writes one (INSERT OR REPLACE, in order, each row firing the
// triggers that copy it to the shadow), rowsPerInsert rows to a statement.
func putItemRows(tx *sql.Tx, items []*ledger.ItemState) error {
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, rowsPerInsert*itemColumnCount)
	for len(items) > 0 {
		kind := items[0].Key.Kind
		n := 0
		for n < len(items) && n < rowsPerInsert && items[n].Key.Kind == kind {
			n++
		}
		key := fmt.Sprintf("%s %d", kind, n)
		st := stmts[key]
		if st == nil {
			var err error
			if st, err = tx.Prepare(itemInsert(kind, n)); err != nil {
				return err
			}
			stmts[key] = st
		}
		args = args[:0]
		for _, it := range items[:n] {
			var err error
			if args, err = appendItemArgs(args, it); err != nil {
				return err
			}
		}
		if _, err := st.Exec(args...); err != nil {
			return fmt.Errorf("write %s..%s: %w", items[0].Key, items[n-1].Key, err)
		}
		items = items[n:]
	}
	return nil
}

// itemInsert is the statement that writes n rows of kind's table.
func itemInsert(kind ledger.Kind, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", itemColumnCount), ",") + ")"
	return `INSERT OR REPLACE INTO ` + kind.Plural() + `(` + itemColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// appendItemArgs appends the values of it's row, in the order of itemColumns.
func appendItemArgs(args []any, it *ledger.ItemState) ([]any, error) {
	heads, err := json.Marshal(it.Heads)
	if err != nil {
		return nil, err
	}
	return append(args, it.Key.ID, string(it.Status), nullBatch(it.Batch), it.SourceFile, it.SourceSymbol,
		it.SourceStart, it.SourceEnd, it.SourceCommit, it.SourceDigest, it.TargetFile, it.TargetSymbol,
		it.TestFilter, it.Removed, it.Reason, string(heads), it.Conflict, it.CompleteEntry,
		int64(it.CompleteClock), it.CompleteCommit, it.Checkpoint, it.UpstreamChanged, it.LastEntry,
		it.RedEntry, it.RedCommit, it.DefEntry, it.BatchEntry), nil
}
