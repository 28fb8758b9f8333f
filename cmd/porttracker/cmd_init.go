package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/internal/gitrepo"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write porttracker.toml if missing and the genesis entry that names the first signer",
		ArgsUsage: " ",
		Description: describe(`Writes a commented porttracker.toml at the repository's root if there is none, the
ledger branch with its genesis entry (you, the first signer, signing with your SSH key),
and reports/generate-report.sh. Running it again changes nothing.`,
			"porttracker init", "porttracker init --signer alice@example.com --target-language csharp"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "signer", Usage: "the first signer's identity (default: git's user.email)"},
			&enumFlag{StringFlag: cli.StringFlag{Name: "target-language", Value: "go", Usage: "stub preset and gate commands for a new porttracker.toml (one of: go, csharp)"}, Values: []string{"go", "csharp"}},
		},
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openRepo(c)
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(e.root, config.File)
	cfg, err := config.Load(cfgPath)
	var newConfig []byte
	if errors.Is(err, config.ErrNoConfig) {
		cfg = config.DefaultFor(c.String("target-language"))
		if err := cfg.Validate(); err != nil {
			return usagef("%w", err)
		}
		newConfig = commentedConfig(cfg)
	} else if err != nil {
		return usagef("%w", err)
	}
	var created []string
	writeConfig := func() error {
		if newConfig == nil {
			return nil
		}
		if err := os.WriteFile(cfgPath, newConfig, 0o644); err != nil {
			return err
		}
		created = append(created, config.File)
		return nil
	}
	e.cfg = cfg
	if e.store, err = gitstore.Open(e.root, cfg.Ledger.Branch); err != nil {
		return usagef("%w", err)
	}
	if _, herr := e.store.Head(); herr == nil {
		if err := writeConfig(); err != nil {
			return err
		}
		return initDone(e, created, fmt.Sprintf("ledger branch %s already exists; nothing to do", cfg.Ledger.Branch), "", "")
	}
	if err := e.refuseSecondGenesis(c); err != nil {
		return err
	}
	identity := c.String("signer")
	if identity == "" {
		if cfg, gerr := gitrepo.ReadDirConfig(e.root); gerr == nil {
			identity = cfg.Get("user", "email")
		}
	}
	if identity == "" {
		return usagef("no signer identity: pass --signer you@example.com or set git config user.email")
	}
	if err := sshkey.CheckIdentity(identity); err != nil {
		return usagef("%w", err)
	}
	w, err := e.writer()
	if err != nil {
		return err
	}
	if err := e.openView(); err != nil {
		return err
	}
	defer e.close()
	rec, err := w.Init(e.view, identity)
	if err != nil {
		return err
	}
	pol, err := ledger.BuildPolicy(cfg.Policy())
	if err != nil {
		return usagef("%s: %v", config.File, err)
	}
	if _, err := w.Append(e.view, func(*ledger.State) (*ledger.Entry, error) { return pol, nil }); err != nil {
		return err
	}
	excludeView(e.store.GitDir(), cfg.Ledger.View)
	if err := writeConfig(); err != nil {
		return err
	}
	if wrote, err := writeReportScript(e.root); err != nil {
		return err
	} else if wrote {
		created = append(created, reportScript)
	}
	return initDone(e, created, fmt.Sprintf("initialized ledger branch %s: first signer %s (entry %s)", cfg.Ledger.Branch, identity, rec.ID[:12]), identity, rec.ID)
}

// initDone says what init created and what to do next (one JSON document
// with --json).
func initDone(e *env, created []string, summary, signer, entry string) error {
	next := []string{}
	if len(created) > 0 {
		next = append(next, "git add "+strings.Join(created, " ")+` && git commit -m "porttracker: configuration"`)
	}
	next = append(next, "edit porttracker.toml: source.root, target.root and the [gates] commands",
		"porttracker inventory scan --go "+e.cfg.Source.Root+"   # or: porttracker inventory import batches.toml",
		"porttracker batch list", "porttracker help")
	if e.json() {
		return e.printJSON(struct {
			Summary   string   `json:"summary"`
			Branch    string   `json:"ledger_branch"`
			Signer    string   `json:"signer,omitempty"`
			Entry     string   `json:"entry,omitempty"`
			Created   []string `json:"created"`
			NextSteps []string `json:"next_steps"`
		}{summary, e.cfg.Ledger.Branch, signer, entry, append([]string{}, created...), next})
	}
	for _, f := range created {
		e.printf("wrote %s\n", f)
	}
	e.printf("%s\nnext steps:\n", summary)
	for _, s := range next {
		e.printf("  %s\n", s)
	}
	return nil
}

// excludeView keeps the derived view out of git status through
// .git/info/exclude, which is local to the clone.
func excludeView(gitDir, view string) {
	path := filepath.Join(gitDir, "info", "exclude")
	data, _ := os.ReadFile(path)
	line := "/" + filepath.ToSlash(view)
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == line {
			return
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		fmt.Fprintln(f)
	}
	fmt.Fprintf(f, "# porttracker's derived view (rebuilt from the ledger)\n%s\n%s-wal\n%s-shm\n", line, line, line)
}
