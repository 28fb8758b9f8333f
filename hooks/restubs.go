package hooks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// ConfigError is a porttracker.toml whose stub settings cannot be used.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }

func (e *ConfigError) Unwrap() error { return e.Err }

// BodyCheck is the check of a mapped body that pre-commit, pre-push and
// pre-receive share: the stub patterns of cfg's target language, and a
// body that must still be there. Stub settings that cannot be used are a
// *ConfigError.
func BodyCheck(cfg config.Config) (CheckFunc, error) {
	pats, err := gates.Patterns(cfg.Target.Language, cfg.Stubs.Patterns, cfg.Stubs.Replace)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	lang := cfg.Target.Language
	return func(file string, src []byte, symbol string) (string, error) {
		j, err := gates.JudgeSymbol(lang, file, src, symbol, pats, cfg.Stubs.Strict)
		if errors.Is(err, gates.ErrSymbolNotFound) || errors.Is(err, gates.ErrNoBody) {
			return err.Error(), nil
		}
		if err != nil {
			return "", err
		}
		if len(j.Refusals) > 0 {
			return "stub in its body: " + strings.Join(gates.Strings(j.Refusals), "; "), nil
		}
		return "", nil
	}, nil
}

// Restubs is pre-commit's check of pushed files (path to content, as
// PushedFiles gives them) for the promoted items: one line per item whose
// body the push undoes.
func Restubs(cfg config.Config, pushed map[string][]byte, items []Item) ([]string, error) {
	check, err := BodyCheck(cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range PreCommit(pushed, items, check) {
		out = append(out, fmt.Sprintf("%s %d (%s %s): %s; demote it with an --override reason first", p.Item.Kind, p.Item.ID, p.Item.File, p.Item.Symbol, p.Msg))
	}
	return out, nil
}

// PushedCode is pre-receive's check of a push of code that moves a branch
// from old ("" for a new branch) to sha: the complete and verified items of
// st whose target file the push changes must keep their bodies. cfg is the
// server's configuration; when the server has no code yet (serverHead is
// zero), the porttracker.toml the push brings is used instead, as the
// only one there is.
func PushedCode(store *gitstore.Store, st *ledger.State, cfg config.Config, old, sha string, serverHead gitstore.Hash) ([]string, error) {
	var items []Item
	var paths []string
	for _, it := range st.Items() {
		if it.Removed || (it.Status != ledger.Complete && it.Status != ledger.Verified) || it.TargetFile == "" || it.TargetSymbol == "" {
			continue
		}
		items = append(items, Item{ItemKey: ledger.ItemKey{Kind: it.Key.Kind, ID: it.Key.ID}, Status: it.Status, File: it.TargetFile, Symbol: it.TargetSymbol})
		paths = append(paths, it.TargetFile)
	}
	if len(items) == 0 {
		return nil, nil
	}
	pushed, err := PushedFiles(store.Objects(), old, sha, paths)
	if err != nil {
		return nil, err
	}
	if serverHead.IsZero() {
		if data, err := store.ReadFile(gitstore.NewHash(sha), config.File); err == nil {
			if parsed, perr := config.Parse(config.File, data); perr == nil {
				cfg = parsed
			}
		}
	}
	return Restubs(cfg, pushed, items)
}
