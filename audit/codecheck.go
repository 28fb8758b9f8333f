package audit

import (
	"errors"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// CodeAtHead is the CodeCheck of the code at the repository's HEAD, read
// through git (not the working tree): each mapped target's file and
// symbol, judged with the stub patterns pats under cfg's target language
// and strictness. A file that is missing at HEAD, or a symbol that is not
// there or has no body, is a problem, not an error; each file is read
// once.
func CodeAtHead(store *gitstore.Store, cfg config.Config, pats []gates.Pattern) (CodeCheck, error) {
	head, err := store.CodeHead()
	if err != nil {
		return nil, err
	}
	if _, err := store.Commit(head); err != nil {
		return nil, err
	}
	cache := map[string][]byte{}
	return func(file, symbol string) (bool, string, []string, error) {
		src, ok := cache[file]
		if !ok {
			text, err := store.FileAt(head, file)
			if errors.Is(err, gitstore.ErrNotInTree) {
				return false, "its target file " + file + " is missing at HEAD", nil, nil
			}
			if err != nil {
				return false, "", nil, err
			}
			src = text
			cache[file] = src
		}
		j, err := gates.JudgeSymbol(cfg.Target.Language, file, src, symbol, pats, cfg.Stubs.Strict)
		if errors.Is(err, gates.ErrSymbolNotFound) || errors.Is(err, gates.ErrNoBody) {
			return false, err.Error(), nil, nil
		}
		if err != nil {
			return false, "", nil, err
		}
		return true, "", gates.Strings(j.Refusals), nil
	}, nil
}
