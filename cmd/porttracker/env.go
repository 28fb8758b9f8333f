package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/internal/gitrepo"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/signingkey"
)

// env is what a command works with: the repository, its configuration,
// the ledger store and the view.
type env struct {
	c      *cli.Context
	out    io.Writer
	errOut io.Writer
	// term says whether the output goes to a terminal (colour, progress).
	term  *terminal
	root  string
	cfg   config.Config
	store *gitstore.Store
	view  *viewdb.View
	// head is the ledger head the view was refreshed to (zero: no ledger).
	head gitstore.Hash
}

// openEnv opens the repository, reads porttracker.toml and opens the view,
// bringing it up to the ledger's head. In a clone without a local ledger
// branch it first takes a remote's (see adoptRemoteLedger).
func openEnv(c *cli.Context) (*env, error) { return openEnvAdopting(c, true) }

// openEnvAdopting is openEnv; sync, which fetches the remote's ledger
// itself, passes adopt false.
func openEnvAdopting(c *cli.Context, adopt bool) (*env, error) {
	e, err := openRepo(c)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(e.root, config.File))
	if errors.Is(err, config.ErrNoConfig) {
		return nil, usagef("%s has no %s (run porttracker init)", e.root, config.File)
	}
	if err != nil {
		return nil, usagef("%w", err)
	}
	e.cfg = cfg
	if e.store, err = gitstore.Open(e.root, cfg.Ledger.Branch); err != nil {
		return nil, usagef("%w", err)
	}
	e.recover()
	if adopt {
		if err := e.adoptRemoteLedger(); err != nil {
			e.close()
			return nil, err
		}
	}
	if err := e.openView(); err != nil {
		return nil, err
	}
	return e, nil
}

func openRepo(c *cli.Context) (*env, error) {
	e := &env{c: c, out: c.App.Writer, errOut: c.App.ErrWriter, term: terminalOf(c)}
	dir := c.String("repo")
	st, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		return nil, usagef("%w", err)
	}
	e.root = st.WorkTree()
	st.Close()
	if e.root == "" {
		return nil, usagef("%s is a bare repository; run porttracker in a clone with a working tree", dir)
	}
	return e, nil
}

// viewPath is --db, else the configured view; a relative path is taken
// from the repository's root, wherever porttracker runs (from port/,
// --db porting.db is still the root's porting.db).
func (e *env) viewPath() string {
	if p := e.c.String("db"); p != "" {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(e.root, p)
	}
	return filepath.Join(e.root, e.cfg.Ledger.View)
}

func (e *env) openView() error {
	if err := e.checkViewPath(e.viewPath()); err != nil {
		return err
	}
	v, err := viewdb.OpenView(e.viewPath(), e.store)
	if errors.Is(err, viewdb.ErrNotView) {
		return usagef("%w", err)
	}
	if err != nil {
		return err
	}
	v.Notice = func(msg string) { fmt.Fprintf(e.errOut, "porttracker: %s\n", msg) }
	e.view = v
	head, err := e.store.Head()
	if err != nil && !errors.Is(err, gitstore.ErrNoLedger) {
		return err
	}
	if _, err := v.StateAt(head); viewdb.IsCorrupt(err) {
		// Damaged: the ledger has everything, start the view again.
		if err := v.Reset(); err != nil {
			return err
		}
		if _, err := v.StateAt(head); err != nil {
			return fmt.Errorf("rebuild %s: %w", e.viewPath(), err)
		}
	} else if err != nil {
		return fmt.Errorf("refresh %s: %w", e.viewPath(), err)
	}
	e.head = head
	return nil
}

// recover clears what a porttracker killed mid-write left behind, saying
// so; a failure to clear is a warning, since the command may not write.
func (e *env) recover() {
	removed, err := e.store.Recover()
	for _, p := range removed {
		fmt.Fprintf(e.errOut, "porttracker: removed %s, left by a porttracker that died mid-write\n", p)
	}
	if err != nil {
		fmt.Fprintf(e.errOut, "porttracker: warning: %v\n", err)
	}
}

func (e *env) close() {
	if e.view != nil {
		e.view.Close()
	}
	if e.store != nil {
		e.store.Close()
	}
}

// openLedgerEnv is openEnv for the commands that need a ledger: it fails,
// with nothing left open, unless the ledger branch exists.
func openLedgerEnv(c *cli.Context) (*env, error) {
	e, err := openEnv(c)
	if err != nil {
		return nil, err
	}
	if err := e.requireLedger(); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// requireLedger fails unless the ledger branch exists.
func (e *env) requireLedger() error {
	if e.head.IsZero() {
		return usagef("no %s branch in %s (run porttracker init)", e.cfg.Ledger.Branch, e.root)
	}
	return nil
}

// writer loads the signing key and returns a ledger writer.
func (e *env) writer() (*branch.Writer, error) {
	signer, err := signingkey.LoadSigner(signingkey.KeyOptions{KeyFile: e.c.String("key"), KeyFileFrom: "--key", RepoDir: e.root, AgentSocket: os.Getenv("SSH_AUTH_SOCK")})
	if err != nil {
		return nil, usagef("%w", err)
	}
	w := &branch.Writer{Store: e.store, Signer: signer, Author: e.author(), Contains: e.contains}
	return w, nil
}

// author is user.name and user.email from git's configuration.
func (e *env) author() gitstore.Author {
	a := gitstore.Author{Name: "porttracker", Email: "porttracker@localhost"}
	cfg, err := gitrepo.ReadDirConfig(e.root)
	if err != nil {
		return a
	}
	if n := cfg.Get("user", "name"); n != "" {
		a.Name = n
	}
	if m := cfg.Get("user", "email"); m != "" {
		a.Email = m
	}
	return a
}

// contains reports whether code commit anc is desc or one of its ancestors.
func (e *env) contains(anc, desc string) (bool, error) {
	for _, h := range []string{anc, desc} {
		if _, err := e.store.Commit(gitstore.NewHash(h)); err != nil {
			return false, fmt.Errorf("code commit %s: %w", shortHash(h), err)
		}
	}
	ok, err := e.store.IsAncestor(gitstore.NewHash(anc), gitstore.NewHash(desc))
	if err != nil {
		return false, fmt.Errorf("code commits %s and %s: %w", shortHash(anc), shortHash(desc), err)
	}
	return ok, nil
}

func (e *env) json() bool { return e.c.Bool("json") }

// printJSON prints the command's one JSON document (see writeJSON).
func (e *env) printJSON(v any) error { return writeJSON(e.out, v) }

// paint colours a status (or a tag such as CONFLICT) when standard output
// is a terminal that wants colour.
func (e *env) paint(s string) string { return paint(e.term.outColor, statusStyle(s), s) }

// paintHeader pads a table header for a column whose cells paint adds
// colour to, so that the header lines up with them.
func (e *env) paintHeader(s string) string { return paint(e.term.outColor, sgrDefault, s) }

// terminalKey is where run keeps the terminal in the app's Metadata.
const terminalKey = "terminal"

// terminalOf is the terminal run found; tests that build the app without
// run get a plain one (no terminal, no colour).
func terminalOf(c *cli.Context) *terminal {
	if t, ok := c.App.Metadata[terminalKey].(*terminal); ok {
		return t
	}
	return &terminal{}
}

func (e *env) printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }

// record appends the entry that build makes from the current state,
// signed with the user's key, and reports it.
func (e *env) record(build func(st *ledger.State) (*ledger.Entry, error)) (*ledger.Record, error) {
	w, err := e.writer()
	if err != nil {
		return nil, err
	}
	rec, err := w.Append(e.view, build)
	if err != nil {
		return nil, err
	}
	return rec, e.written(rec)
}

// writtenAll reports the run of entries one command recorded: a line
// each, or with --json one document: the last entry's keys as written
// prints them, and every entry under "entries".
func (e *env) writtenAll(recs []*ledger.Record) error {
	if !e.json() {
		for _, rec := range recs {
			if err := e.written(rec); err != nil {
				return err
			}
		}
		return nil
	}
	type one struct {
		Entry   string `json:"entry"`
		Commit  string `json:"commit"`
		Path    string `json:"path"`
		Summary string `json:"summary"`
	}
	all := make([]one, len(recs))
	for i, rec := range recs {
		all[i] = one{rec.ID, rec.Commit, gitstore.EntryPath(rec.ID), rec.Entry.Summary}
	}
	var last one
	if len(all) > 0 {
		last = all[len(all)-1]
	} else {
		last.Summary = "inventory unchanged: nothing to record"
	}
	return e.printJSON(struct {
		one
		Entries []one `json:"entries"`
		Count   int   `json:"count"`
	}{last, all, len(all)})
}

// written reports an entry that a command recorded: a line of text, or
// with --json the entry's ID, commit, path and summary.
func (e *env) written(rec *ledger.Record) error {
	for _, w := range rec.Warnings {
		fmt.Fprintf(e.errOut, "porttracker: warning: entry %s is written, but %s\n", rec.ID[:12], w)
	}
	if e.json() {
		return e.printJSON(struct {
			Entry   string `json:"entry"`
			Commit  string `json:"commit"`
			Path    string `json:"path"`
			Summary string `json:"summary"`
		}{rec.ID, rec.Commit, gitstore.EntryPath(rec.ID), rec.Entry.Summary})
	}
	e.printf("%s (entry %s, commit %s)\n", rec.Entry.Summary, rec.ID[:12], shortHash(rec.Commit))
	return nil
}
