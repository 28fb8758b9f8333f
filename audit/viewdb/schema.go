package viewdb

// schemaVersion is PRAGMA user_version of porting.db; a view of another
// version is rebuilt.
const schemaVersion = 7

// itemColumns are the columns of the features and tests tables, in the
// order itemFields scans them.
const itemColumns = `id, status, batch_id, source_file, source_symbol, source_start, source_end,
	source_commit, source_digest, target_file, target_symbol, test_filter, removed, reason,
	heads, conflict, complete_entry, complete_clock, complete_commit, checkpoint,
	upstream_changed, last_entry, red_entry, red_commit, def_entry, batch_entry`

const itemTable = `(
	id INTEGER PRIMARY KEY,
	status TEXT NOT NULL,
	batch_id INTEGER,
	source_file TEXT NOT NULL DEFAULT '',
	source_symbol TEXT NOT NULL DEFAULT '',
	source_start INTEGER NOT NULL DEFAULT 0,
	source_end INTEGER NOT NULL DEFAULT 0,
	source_commit TEXT NOT NULL DEFAULT '',
	source_digest TEXT NOT NULL DEFAULT '',
	target_file TEXT NOT NULL DEFAULT '',
	target_symbol TEXT NOT NULL DEFAULT '',
	test_filter TEXT NOT NULL DEFAULT '',
	removed INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	heads TEXT NOT NULL DEFAULT '[]',
	conflict INTEGER NOT NULL DEFAULT 0,
	complete_entry TEXT NOT NULL DEFAULT '',
	complete_clock INTEGER NOT NULL DEFAULT 0,
	complete_commit TEXT NOT NULL DEFAULT '',
	checkpoint TEXT NOT NULL DEFAULT '',
	upstream_changed INTEGER NOT NULL DEFAULT 0,
	last_entry TEXT NOT NULL DEFAULT '',
	red_entry TEXT NOT NULL DEFAULT '',
	red_commit TEXT NOT NULL DEFAULT '',
	def_entry TEXT NOT NULL DEFAULT '',
	batch_entry TEXT NOT NULL DEFAULT ''
)`

var schema = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	`CREATE TABLE ledger_commits (hash TEXT PRIMARY KEY) WITHOUT ROWID`,
	`CREATE TABLE features ` + itemTable,
	`CREATE TABLE tests ` + itemTable,
	`CREATE INDEX features_batch ON features(batch_id)`,
	`CREATE INDEX tests_batch ON tests(batch_id)`,
	`CREATE INDEX features_status ON features(status)`,
	`CREATE INDEX tests_status ON tests(status)`,
	`CREATE TABLE batches (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		status TEXT NOT NULL,
		depends TEXT NOT NULL DEFAULT '',
		start_clock INTEGER NOT NULL DEFAULT 0,
		plan_entry TEXT NOT NULL DEFAULT '',
		def_entry TEXT NOT NULL DEFAULT ''
	)`,
	// A batch's tasks (plan.go, task.go), in the plan's order (position),
	// and which task holds each item.
	`CREATE TABLE tasks (
		batch_id INTEGER NOT NULL,
		position INTEGER NOT NULL,
		name TEXT NOT NULL,
		kind TEXT NOT NULL,
		title TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL,
		ids TEXT NOT NULL,
		started_entry TEXT NOT NULL DEFAULT '',
		completed_entry TEXT NOT NULL DEFAULT '',
		last_move_clock INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (batch_id, name)
	) WITHOUT ROWID`,
	`CREATE TABLE task_items (
		item_kind TEXT NOT NULL,
		item_id INTEGER NOT NULL,
		batch_id INTEGER NOT NULL,
		task TEXT NOT NULL,
		PRIMARY KEY (item_kind, item_id)
	) WITHOUT ROWID`,
	`CREATE INDEX task_items_task ON task_items(batch_id, task)`,
	`CREATE TABLE batch_deps (batch_id INTEGER NOT NULL, depends_on INTEGER NOT NULL, PRIMARY KEY (batch_id, depends_on)) WITHOUT ROWID`,
	`CREATE TABLE transitions (
		seq INTEGER PRIMARY KEY,
		item_kind TEXT NOT NULL,
		item_id INTEGER NOT NULL,
		from_status TEXT NOT NULL,
		to_status TEXT NOT NULL,
		actor TEXT NOT NULL,
		entry TEXT NOT NULL,
		commit_hash TEXT NOT NULL DEFAULT '',
		reason TEXT NOT NULL DEFAULT '',
		clock INTEGER NOT NULL,
		time TEXT NOT NULL
	)`,
	`CREATE INDEX transitions_item ON transitions(item_kind, item_id)`,
	`CREATE INDEX transitions_entry ON transitions(entry)`,
	`CREATE TABLE entries (
		id TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		signer TEXT NOT NULL,
		clock INTEGER NOT NULL,
		time TEXT NOT NULL,
		commit_hash TEXT NOT NULL DEFAULT '',
		summary TEXT NOT NULL DEFAULT '',
		reason TEXT NOT NULL DEFAULT '',
		evidence TEXT NOT NULL DEFAULT ''
	) WITHOUT ROWID`,
	`CREATE INDEX entries_clock ON entries(clock, id)`,
	entriesKindIndex,
	entriesCommitIndex,
	`CREATE TABLE checkpoints (entry TEXT PRIMARY KEY, clock INTEGER NOT NULL, code_commit TEXT NOT NULL, dirty INTEGER NOT NULL, baseline INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
	`CREATE TABLE signers (identity TEXT PRIMARY KEY, key TEXT NOT NULL, active INTEGER NOT NULL, added_by TEXT NOT NULL, revoked_by TEXT NOT NULL DEFAULT '') WITHOUT ROWID`,
	`CREATE TABLE findings (commit_hash TEXT NOT NULL, path TEXT NOT NULL, entry TEXT NOT NULL, message TEXT NOT NULL)`,
	`CREATE TABLE undo (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, before TEXT)`,
	`CREATE INDEX undo_entry ON undo(entry)`,
}
