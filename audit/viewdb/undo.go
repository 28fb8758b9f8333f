package viewdb

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// The undo table keeps, for every entry the view holds, the rows its
// changes replaced (as JSON; NULL where there was none), so that entries
// can be taken back out newest first when merged entries must be replayed
// before them. See View.advance.

func putItemRow(upsert *sql.Stmt, it *ledger.ItemState) error {
	args, err := appendItemArgs(nil, it)
	if err != nil {
		return err
	}
	if _, err := upsert.Exec(args...); err != nil {
		return fmt.Errorf("write %s: %w", it.Key, err)
	}
	return nil
}

func itemUpsert(tx *sql.Tx, k ledger.Kind) (*sql.Stmt, error) {
	return tx.Prepare(`INSERT OR REPLACE INTO ` + k.Plural() + `(` + itemColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
}

func putBatchRow(tx *sql.Tx, b *ledger.BatchState) error {
	deps := make([]string, len(b.Depends))
	for i, d := range b.Depends {
		deps[i] = strconv.Itoa(d)
	}
	if _, err := tx.Exec(`INSERT OR REPLACE INTO batches(id, name, status, depends, start_clock, plan_entry, def_entry) VALUES (?,?,?,?,?,?,?)`,
		b.ID, b.Name, string(b.Status), strings.Join(deps, ","), int64(b.StartClock), b.Plan, b.DefEntry); err != nil {
		return err
	}
	if err := putTaskRows(tx, b.ID, b.Tasks); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM batch_deps WHERE batch_id = ?`, b.ID); err != nil {
		return err
	}
	for _, d := range b.Depends {
		if _, err := tx.Exec(`INSERT INTO batch_deps(batch_id, depends_on) VALUES (?,?)`, b.ID, d); err != nil {
			return err
		}
	}
	return nil
}

func putSignerRow(tx *sql.Tx, sg *ledger.SignerState) error {
	_, err := tx.Exec(`INSERT OR REPLACE INTO signers(identity, key, active, added_by, revoked_by) VALUES (?,?,?,?,?)`,
		sg.Identity, sg.Key, sg.Active, sg.AddedBy, sg.RevokedBy)
	return err
}

// writeUndo records the before-images of the entries just applied.
func writeUndo(tx *sql.Tx, undos []ledger.Undo) error {
	ins, err := tx.Prepare(`INSERT INTO undo(entry, kind, key, before) VALUES (?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	put := func(entry, kind, key string, before any, absent bool) error {
		var val any
		if !absent {
			b, err := json.Marshal(before)
			if err != nil {
				return err
			}
			val = string(b)
		}
		_, err := ins.Exec(entry, kind, key, val)
		return err
	}
	for _, u := range undos {
		// The items an entry defined are one row per kind, an ID list: an
		// inventory entry defines thousands.
		added := map[ledger.Kind][]int{}
		for k, it := range u.Items {
			if it == nil {
				added[k.Kind] = append(added[k.Kind], k.ID)
				continue
			}
			if err := put(u.Entry, string(k.Kind), strconv.Itoa(k.ID), it, false); err != nil {
				return err
			}
		}
		for _, kind := range []ledger.Kind{ledger.Feature, ledger.Test} {
			if ids := added[kind]; len(ids) > 0 {
				slices.Sort(ids)
				if err := put(u.Entry, string(kind), ledger.FormatIDs(ids), nil, true); err != nil {
					return err
				}
			}
		}
		for id, b := range u.Batches {
			if err := put(u.Entry, "batch", strconv.Itoa(id), b, b == nil); err != nil {
				return err
			}
		}
		for id, sg := range u.Signers {
			if err := put(u.Entry, "signer", id, sg, sg == nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// restore puts one row back as it was before an entry ("" : it did not
// exist; for items, key is then a list of IDs).
func restore(tx *sql.Tx, kind, key, before string) error {
	switch kind {
	case string(ledger.Feature), string(ledger.Test):
		k := ledger.Kind(kind)
		if before == "" {
			ids, err := ledger.ParseIDs(key)
			if err != nil {
				return fmt.Errorf("undo %s %q: %w", kind, key, err)
			}
			del, err := tx.Prepare(`DELETE FROM ` + k.Plural() + ` WHERE id = ?`)
			if err != nil {
				return err
			}
			defer del.Close()
			for _, id := range ids {
				if _, err := del.Exec(id); err != nil {
					return err
				}
			}
			return nil
		}
		var it ledger.ItemState
		if err := json.Unmarshal([]byte(before), &it); err != nil {
			return err
		}
		up, err := itemUpsert(tx, k)
		if err != nil {
			return err
		}
		defer up.Close()
		return putItemRow(up, &it)
	case "batch":
		if before == "" {
			if _, err := tx.Exec(`DELETE FROM batch_deps WHERE batch_id = ?`, key); err != nil {
				return err
			}
			id, err := strconv.Atoi(key)
			if err != nil {
				return err
			}
			if err := putTaskRows(tx, id, nil); err != nil {
				return err
			}
			_, err = tx.Exec(`DELETE FROM batches WHERE id = ?`, key)
			return err
		}
		var b ledger.BatchState
		if err := json.Unmarshal([]byte(before), &b); err != nil {
			return err
		}
		return putBatchRow(tx, &b)
	case "signer":
		if before == "" {
			_, err := tx.Exec(`DELETE FROM signers WHERE identity = ?`, key)
			return err
		}
		var sg ledger.SignerState
		if err := json.Unmarshal([]byte(before), &sg); err != nil {
			return err
		}
		return putSignerRow(tx, &sg)
	}
	return fmt.Errorf("unknown undo kind %q", kind)
}
