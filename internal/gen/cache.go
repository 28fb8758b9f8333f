package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gofrs/flock"
)

// EntriesEnv is the environment variable that sets the size of the
// benchmarks' ledger (BenchOptions).
const EntriesEnv = "PORTTRACKER_BENCH_ENTRIES"

// Small are the options of a short benchmark run (go test -short): a port
// a tenth the size of Default.
func Small() Options {
	return Options{Features: 400, Tests: 350, Batches: 8, Entries: 2000, Clones: 3, Seed: 1}
}

// BenchOptions are the options benchmarks generate: Small when short,
// else Default with Entries taken from $PORTTRACKER_BENCH_ENTRIES when it
// is set.
func BenchOptions(short bool) (Options, error) {
	if short {
		return Small(), nil
	}
	opt := Default()
	if s := os.Getenv(EntriesEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < opt.Clones+1 {
			return Options{}, fmt.Errorf("$%s=%q: want a number of entries, at least %d", EntriesEnv, s, opt.Clones+1)
		}
		opt.Entries = n
	}
	return opt, nil
}

// CacheDir is where Cached keeps generated ledgers.
func CacheDir() string { return filepath.Join(os.TempDir(), "porttracker-gen") }

// Cached returns a ledger generated with opt, generating it only the first
// time: it is kept in CacheDir, under a name made of opt and Version, with
// the Result beside it. Concurrent callers (benchmarks of several packages
// run in parallel) wait for one generation. Callers must not change the
// ledger: copy it with CopyRepo first. Remove CacheDir to start afresh.
func Cached(opt Options, progress io.Writer) (*Result, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	root := filepath.Join(CacheDir(), fmt.Sprintf("v%d-%s", Version, opt))
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return nil, err
	}
	lock := flock.New(root + ".lock")
	if err := lock.Lock(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()
	resultFile := filepath.Join(root, "result.json")
	if data, err := os.ReadFile(resultFile); err == nil {
		var res Result
		if err := json.Unmarshal(data, &res); err == nil {
			return &res, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Nothing, or what an interrupted generation left: start over.
	if err := os.RemoveAll(root); err != nil {
		return nil, err
	}
	res, err := Generate(filepath.Join(root, "repo"), opt, progress)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, err
	}
	// Written last: its presence says the ledger is whole.
	if err := os.WriteFile(resultFile, data, 0o644); err != nil {
		return nil, err
	}
	return res, nil
}
