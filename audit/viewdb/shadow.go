package viewdb

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// porting.db sits in the working tree, at a path the configuration
// chooses: it can be copied from another clone, committed, shared and
// edited with sqlite3, so no decision rests on it alone. Beside it, inside
// the repository's git directory (where git keeps the refs and objects
// and porttracker the hooks it installs), porttracker keeps a shadow: a
// copy of every row it wrote to the view, written by the same statements
// (temporary triggers on this process's connection copy each change to the
// shadow in the same transaction). A row a decision or a report rests on
// is used only if it is the row of the shadow (sameRows); the rows that
// only the view's own bookkeeping reads (which ledger commits and entries
// it holds, the undo records) are read from the shadow itself.
//
// An edit of porting.db made by anything else than porttracker leaves the
// shadow as it was, so the next command that reads the edited rows finds
// them different, rebuilds the view from the ledger and says so. Whoever
// can write the git directory can replace the hooks as well: the git
// directory is a clone's trust root, and the ledger's signatures (audit)
// are what holds between clones. The shadow holds only what replay
// applied, so an entry that replay refuses (one whose signer may not sign
// it, say) is in no row and no shadow row, and never makes the view
// rebuild.

// shadowSchema is the name the shadow is attached under.
const shadowSchema = "shadow"

// shadowPath is where the shadow of the view at viewPath is kept: under
// the git directory, named after the view's path relative to the work
// tree that holds the git directory (so that a copy of the whole
// repository keeps its shadow), or after its absolute path when it lies
// elsewhere.
func shadowPath(gitDir, viewPath string) (string, error) {
	abs, err := filepath.Abs(viewPath)
	if err != nil {
		return "", err
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	gd, err := filepath.Abs(gitDir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(gd); err == nil {
		gd = real
	}
	key := abs
	if rel, err := filepath.Rel(filepath.Dir(gd), abs); err == nil && filepath.IsLocal(rel) {
		key = filepath.ToSlash(rel)
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(gd, "porttracker", "views", hex.EncodeToString(sum[:10])+".db"), nil
}

// attachShadow attaches the shadow of the view (creating its file) to the
// view's one connection.
func (v *View) attachShadow() error {
	path, err := shadowPath(v.store.GitDir(), v.Path)
	if err != nil {
		return fmt.Errorf("the view's shadow: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("the view's shadow: %w", err)
	}
	if _, err := v.db.Exec(`ATTACH DATABASE ? AS `+shadowSchema, path); err != nil {
		return fmt.Errorf("attach the view's shadow %s: %w", path, err)
	}
	for _, p := range []string{`PRAGMA shadow.journal_mode = wal`, `PRAGMA shadow.synchronous = normal`, `PRAGMA shadow.cache_size = ` + strconv.Itoa(viewCacheKiB)} {
		if _, err := v.db.Exec(p); err != nil {
			return fmt.Errorf("the view's shadow %s: %w", path, err)
		}
	}
	v.shadowFile = path
	return nil
}

// shadowMismatch says why the shadow cannot vouch for the view opened, or
// "" when it can: it was made for this schema, describes the same tables,
// indexes and meta rows, and neither holds anything else (a trigger that
// porting.db brought along, say).
func (v *View) shadowMismatch() (string, error) {
	var version int
	if err := v.db.QueryRow(`PRAGMA shadow.user_version`).Scan(&version); err != nil {
		return "", err
	}
	if version != schemaVersion {
		return "porttracker has no record of writing it", nil
	}
	const objects = `SELECT type, name, tbl_name, sql FROM %s.sqlite_master WHERE name NOT LIKE 'sqlite_%%'`
	diff, err := v.differ(objects, nil)
	if err != nil {
		return "", err
	}
	if diff {
		return "its tables are not the ones porttracker made", nil
	}
	if diff, err := v.differ(`SELECT * FROM %s.meta`, nil); err != nil || diff {
		return "its meta rows are not the ones porttracker wrote", err
	}
	return "", nil
}

// differ reports whether the rows that selectf gives (a query with one %s
// for the schema, its parameters numbered ?1, ?2, ...) differ between the
// view and its shadow.
func (v *View) differ(selectf string, args []any) (bool, error) {
	_, diff, err := v.firstDiff(selectf, args)
	return diff, err
}

// firstDiff is differ, and names the first column's value of one row that
// is in one of the two and not in the other.
func (v *View) firstDiff(selectf string, args []any) (string, bool, error) {
	m, s := fmt.Sprintf(selectf, "main"), fmt.Sprintf(selectf, shadowSchema)
	q := `SELECT * FROM (SELECT * FROM (` + m + `) EXCEPT SELECT * FROM (` + s + `))
		UNION ALL SELECT * FROM (SELECT * FROM (` + s + `) EXCEPT SELECT * FROM (` + m + `)) LIMIT 1`
	rows, err := v.q.Query(q, args...)
	if err != nil {
		return "", false, fmt.Errorf("compare the view with its shadow: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", false, rows.Err()
	}
	cols, err := rows.Columns()
	if err != nil {
		return "", false, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", false, err
	}
	first := vals[0]
	if b, ok := first.([]byte); ok {
		first = string(b)
	}
	if str, ok := first.(string); ok {
		first = short(str)
	}
	return fmt.Sprintf("%s %v", cols[0], first), true, nil
}

// sameRows checks that the rows of table that where selects (parameters
// numbered ?1, ?2, ...) are the ones porttracker wrote: the rows of the
// shadow. what names them in the disagreement.
func (v *View) sameRows(what, table, where string, args ...any) error {
	row, diff, err := v.firstDiff(`SELECT * FROM %s.`+table+` WHERE `+where, args)
	if err != nil {
		return err
	}
	if diff {
		return disagree("%s: the view's rows are not the ones porttracker wrote (the %s row with %s differs)", what, table, row)
	}
	return nil
}

// vouch checks, before a report or listing reads them, that whole tables
// are the ones porttracker wrote; on disagreement the view is rebuilt
// (saying so), and the reader reads the rebuilt view.
// A table vouched for stays so until the view is written again.
func (v *View) vouch(tables ...string) error {
	return v.checked(func() error {
		for _, t := range tables {
			if v.integ.vouched[t] {
				continue
			}
			if err := v.sameRows("table "+t, t, "1"); err != nil {
				return err
			}
			if v.integ.vouched == nil {
				v.integ.vouched = map[string]bool{}
			}
			v.integ.vouched[t] = true
		}
		return nil
	}, func() error { return nil })
}

// vouchRows is vouch for the rows of table that where selects.
func (v *View) vouchRows(what, table, where string, args ...any) error {
	return v.checked(func() error { return v.sameRows(what, table, where, args...) }, func() error { return nil })
}

// readTables are the tables a report reads.
var readTables = []string{"features", "tests", "batches", "batch_deps", "tasks", "task_items", "transitions", "entries", "checkpoints", "signers", "findings"}

// resetShadowTx drops the shadow's tables and creates the empty schema in
// it, within tx, and (with mirror) sets up the triggers that copy what this
// connection writes to the view into it. Run after the view's own schema
// is made. Without mirror, the caller fills the view and then calls
// copyToShadowTx.
func (v *View) resetShadowTx(tx *sql.Tx, mirror bool) error {
	rows, err := tx.Query(`SELECT name FROM shadow.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		drops = append(drops, `DROP TABLE IF EXISTS shadow."`+name+`"`)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	stmts := drops
	for _, q := range schema {
		stmts = append(stmts, inShadow(q))
	}
	for _, q := range stmts {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("the view's shadow: %s: %w", q, err)
		}
	}
	if _, err := tx.Exec(`PRAGMA shadow.user_version = ` + fmt.Sprint(schemaVersion)); err != nil {
		return err
	}
	if !mirror {
		return nil
	}
	return v.mirrorTx(tx)
}

// copyToShadowTx copies every table of a view just written whole into the
// shadow, whose tables resetShadowTx(tx, false) left empty, then sets up
// the triggers that mirror later writes. A full rebuild writes the view
// once and copies it: SQLite copies the rows of a table into an empty one
// of the same schema record by record, where triggers would run an
// insert, and update the shadow's indexes, for every row written.
func (v *View) copyToShadowTx(tx *sql.Tx) error {
	tables, err := shadowTables(tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		q := `INSERT INTO ` + shadowSchema + `."` + t.name + `" SELECT * FROM main."` + t.name + `"`
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("the view's shadow: %s: %w", q, err)
		}
	}
	return v.mirrorTx(tx)
}

// inShadow rewrites one statement of the schema to make its table or index
// in the shadow.
func inShadow(q string) string {
	for _, p := range []string{"CREATE TABLE ", "CREATE INDEX IF NOT EXISTS ", "CREATE INDEX "} {
		if rest, ok := strings.CutPrefix(q, p); ok {
			return p + shadowSchema + "." + rest
		}
	}
	return q
}

// mirrorTx creates, on this connection, the temporary triggers that copy
// every insert, update and delete of the view's tables to the shadow.
func (v *View) mirrorTx(tx *sql.Tx) error {
	tables, err := shadowTables(tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		for _, q := range t.triggers() {
			if _, err := tx.Exec(q); err != nil {
				return fmt.Errorf("the view's shadow: %s: %w", q, err)
			}
		}
	}
	return nil
}

// shadowTable is one table of the schema, as the shadow has it.
type shadowTable struct {
	name    string
	columns []string
	// key are the primary key's columns of a table without rowid; nil for
	// a table keyed by its rowid.
	key []string
}

func shadowTables(q querier) ([]shadowTable, error) {
	rows, err := q.Query(`SELECT name, sql FROM shadow.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []shadowTable
	withoutRowid := map[string]bool{}
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, shadowTable{name: name})
		withoutRowid[name] = strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID")
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		t := &out[i]
		cols, err := q.Query(`SELECT name, pk FROM pragma_table_info(?, 'shadow') ORDER BY cid`, t.name)
		if err != nil {
			return nil, err
		}
		keyAt := map[int]string{}
		for cols.Next() {
			var name string
			var pk int
			if err := cols.Scan(&name, &pk); err != nil {
				cols.Close()
				return nil, err
			}
			t.columns = append(t.columns, name)
			if pk > 0 {
				keyAt[pk] = name
			}
		}
		cols.Close()
		if err := cols.Err(); err != nil {
			return nil, err
		}
		if withoutRowid[t.name] {
			for n := 1; n <= len(keyAt); n++ {
				t.key = append(t.key, keyAt[n])
			}
		}
	}
	return out, nil
}

// triggers are the statements that make the triggers mirroring t.
func (t shadowTable) triggers() []string {
	cols := `"` + strings.Join(t.columns, `", "`) + `"`
	newVals := make([]string, len(t.columns))
	for i, c := range t.columns {
		newVals[i] = `NEW."` + c + `"`
	}
	insert := `INSERT OR REPLACE INTO shadow."` + t.name + `"(` + cols + `) VALUES (` + strings.Join(newVals, ", ") + `);`
	match := `rowid = OLD.rowid`
	if t.key == nil {
		insert = `INSERT OR REPLACE INTO shadow."` + t.name + `"(rowid, ` + cols + `) VALUES (NEW.rowid, ` + strings.Join(newVals, ", ") + `);`
	} else {
		conds := make([]string, len(t.key))
		for i, k := range t.key {
			conds[i] = `"` + k + `" = OLD."` + k + `"`
		}
		match = strings.Join(conds, " AND ")
	}
	del := `DELETE FROM shadow."` + t.name + `" WHERE ` + match + `;`
	name := func(op string) string { return `"porttracker_shadow_` + t.name + `_` + op + `"` }
	on := ` ON main."` + t.name + `" BEGIN `
	return []string{
		`CREATE TEMP TRIGGER IF NOT EXISTS ` + name("insert") + ` AFTER INSERT` + on + insert + ` END`,
		`CREATE TEMP TRIGGER IF NOT EXISTS ` + name("update") + ` AFTER UPDATE` + on + del + ` ` + insert + ` END`,
		`CREATE TEMP TRIGGER IF NOT EXISTS ` + name("delete") + ` AFTER DELETE` + on + del + ` END`,
	}
}

// CopyTo writes a copy of the view to path, a view of the ledger in store,
// with its shadow: the copy opens as a view porttracker wrote.
func (v *View) CopyTo(path string, store *gitstore.Store) error {
	shadow, err := shadowPath(store.GitDir(), path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(shadow), 0o700); err != nil {
		return err
	}
	for _, p := range []string{path, shadow} {
		if err := removeDB(p); err != nil {
			return err
		}
	}
	if _, err := v.db.Exec(`VACUUM main INTO ?`, path); err != nil {
		return fmt.Errorf("copy the view to %s: %w", path, err)
	}
	if _, err := v.db.Exec(`VACUUM shadow INTO ?`, shadow); err != nil {
		return fmt.Errorf("copy the view's shadow to %s: %w", shadow, err)
	}
	return nil
}
