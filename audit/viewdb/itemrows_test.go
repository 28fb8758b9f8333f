package viewdb

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// itemRowsDB is a database with the item tables, and a shadow of them kept
// by the view's triggers.
func itemRowsDB(t *testing.T, name string) *sql.DB {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	stmts := []string{`ATTACH DATABASE '` + filepath.Join(dir, name+"-shadow.db") + `' AS shadow`}
	for _, table := range []string{"features", "tests"} {
		stmts = append(stmts, `CREATE TABLE `+table+` `+itemTable, `CREATE TABLE shadow.`+table+` `+itemTable)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tables, err := shadowTables(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		for _, q := range tb.triggers() {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

// itemRows is every row of the item tables of db's schema.
func itemRows(t *testing.T, db *sql.DB, schema string) []string {
	t.Helper()
	var out []string
	for _, table := range []string{"features", "tests"} {
		rows, err := db.Query(`SELECT * FROM ` + schema + `.` + table + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, table+fmt.Sprintf(" %#v", vals))
		}
		rows.Close()
	}
	return out
}

// TestPutItemRows: rows written rowsPerInsert to a statement are the rows
// that one statement a row writes (replacing rows already there), and the
// triggers copy each to the shadow.
func TestPutItemRows(t *testing.T) {
	for _, n := range []int{0, 1, rowsPerInsert - 1, rowsPerInsert, rowsPerInsert + 1, 3*rowsPerInsert + 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var items []*ledger.ItemState
			for i := range n {
				kind := ledger.Feature
				if i >= n/2 {
					kind = ledger.Test
				}
				it := &ledger.ItemState{Key: ledger.ItemKey{Kind: kind, ID: i%7*100 + i}, Status: ledger.NotStarted, Batch: i % 3,
					Mapping:   ledger.Mapping{SourceFile: fmt.Sprintf("f%d.go", i), SourceStart: i, TargetSymbol: "é\x00'\""},
					LastEntry: "e", Removed: i%5 == 0, CompleteClock: uint64(i)}
				if i%4 == 0 {
					it.Heads = []ledger.Head{{Entry: "a", To: ledger.Stub, Signer: "s"}, {Entry: "b"}}
				}
				items = append(items, it)
			}
			old, batched := itemRowsDB(t, "old"), itemRowsDB(t, "new")
			for _, db := range []*sql.DB{old, batched} {
				// A row already there is replaced.
				if _, err := db.Exec(`INSERT INTO features(id, status) VALUES (0, 'verified')`); err != nil {
					t.Fatal(err)
				}
			}
			tx, err := old.Begin()
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				up, err := itemUpsert(tx, it.Key.Kind)
				if err != nil {
					t.Fatal(err)
				}
				if err := putItemRow(up, it); err != nil {
					t.Fatal(err)
				}
				up.Close()
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			tx, err = batched.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if err := putItemRows(tx, items); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			want := itemRows(t, old, "main")
			if got := itemRows(t, batched, "main"); !reflect.DeepEqual(got, want) {
				t.Fatalf("rows written in batches:\n%v\none by one:\n%v", got, want)
			}
			if got := itemRows(t, batched, "shadow"); !reflect.DeepEqual(got, want) {
				t.Fatalf("the shadow holds\n%v\nthe view\n%v", got, want)
			}
			if len(want) < n {
				t.Fatalf("%d rows for %d items", len(want), n)
			}
		})
	}
}
