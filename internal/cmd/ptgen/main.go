// Command ptgen generates a realistic porttracker ledger through the real
// write path (several clones that sync), for benchmarks and for trying
// porttracker at scale. It is a development tool: it lives under internal/
// so that it is neither part of the porttracker binary nor installed by
// `go install ./cmd/...`. Run it from the module with
//
//	go run ./internal/cmd/ptgen [flags] DIR
//
// DIR (new or empty) becomes a git repository with porttracker.toml, a code
// history on main, the ledger branch and porting.db. See package
// internal/gen for what is written.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/porttracker/porttracker/internal/gen"
)

// schemaVersion is the version of the document -json prints.
const schemaVersion = 1

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is ptgen with its arguments (without the program name); it returns
// the exit status: 0, 1 when generation failed, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	def := gen.Default()
	var opt gen.Options
	var asJSON bool
	fs := flag.NewFlagSet("ptgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ptgen [flags] DIR\n\n"+
			"Generates a realistic ledger in DIR (new or empty) through the real write path, for benchmarks.\n"+
			"Sign further entries with --key DIR/.git/%s/key-0. The default size takes minutes;\n"+
			"progress goes to standard error.\n\nExample:\n  go run ./internal/cmd/ptgen -entries 2000 /tmp/ledger\n\nFlags:\n", gen.KeyDir)
		fs.PrintDefaults()
	}
	fs.IntVar(&opt.Features, "features", def.Features, "features in the inventory")
	fs.IntVar(&opt.Tests, "tests", def.Tests, "tests in the inventory")
	fs.IntVar(&opt.Batches, "batches", def.Batches, "batches the items are split into")
	fs.IntVar(&opt.Entries, "entries", def.Entries, "ledger entries to write")
	fs.IntVar(&opt.Clones, "clones", def.Clones, "repositories that write and sync (each with its own signer)")
	fs.Uint64Var(&opt.Seed, "seed", def.Seed, "the seed everything is drawn from")
	fs.BoolVar(&asJSON, "json", false, "print the result as one JSON document")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the generation to `FILE` (read it with go tool pprof)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has printed the error and the usage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ptgen: want one directory, got %d arguments (ptgen -h)\n", fs.NArg())
		return 2
	}
	stop, err := startProfile(*cpuProfile)
	if err != nil {
		fmt.Fprintf(stderr, "ptgen: %v\n", err)
		return 2
	}
	res, err := gen.Generate(fs.Arg(0), opt, stderr)
	if perr := stop(); perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		fmt.Fprintf(stderr, "ptgen: %v\n", err)
		if errors.Is(err, gen.ErrOptions) {
			return 2
		}
		return 1
	}
	if err := report(stdout, res, asJSON); err != nil {
		fmt.Fprintf(stderr, "ptgen: %v\n", err)
		return 1
	}
	return 0
}

// report prints what was generated: two lines, or with asJSON one document
// with schema_version first.
func report(w io.Writer, res *gen.Result, asJSON bool) error {
	if asJSON {
		return writeJSON(w, document{SchemaVersion: schemaVersion, Result: res})
	}
	_, err := fmt.Fprintf(w, "%s: %d entries, %d ledger commits (%d merges, %d syncs), %d batches complete, %d started, in %s\nsign with --key %s (%s)\n",
		res.Dir, res.Entries, res.Commits, res.Merges, res.Syncs, res.BatchesComplete, res.BatchesStarted, res.Elapsed.Round(time.Second),
		res.Keys[0], res.Identities[0])
	return err
}
