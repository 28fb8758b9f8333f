package gen

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/inventory"
)

// Functions per source file of the generated inventory, as in a Go server
// whose files hold a few dozen functions each.
const funcsPerFile = 40

// Inventory returns the definitions that Generate imports in its inventory
// entry: opt.Features features and opt.Tests tests, each with a source and
// a target mapping, split into opt.Batches batches of consecutive IDs. The
// batches' dependencies form a DAG of several lanes (as many as there are
// clones, at least two), so that clones can work on different batches at
// once; lanes are joined by cross dependencies drawn from opt.Seed.
func Inventory(opt Options) (features, tests []ledger.ItemDef, batches []ledger.BatchDef) {
	rng := rand.New(rand.NewPCG(opt.Seed, 0x696e76656e746f72)) // "inventor"
	for id := 1; id <= opt.Features; id++ {
		b := batchOf(id, opt.Features, opt.Batches)
		file := (id-1)/funcsPerFile + 1
		start := ((id-1)%funcsPerFile)*30 + 12
		features = append(features, ledger.ItemDef{ID: id, Mapping: ledger.Mapping{
			SourceFile:   fmt.Sprintf("server/file%03d.go", file),
			SourceSymbol: fmt.Sprintf("(*Server).handle%04d", id),
			SourceStart:  start,
			SourceEnd:    start + 10 + rng.IntN(18),
			SourceDigest: digest(fmt.Sprintf("feature %d %d", id, opt.Seed)),
			TargetFile:   fmt.Sprintf("port/b%02d/file%03d.go", b, file),
			TargetSymbol: fmt.Sprintf("Handle%04d", id),
			TestFilter:   fmt.Sprintf("TestHandle%04d", id),
		}})
	}
	for id := 1; id <= opt.Tests; id++ {
		b := batchOf(id, opt.Tests, opt.Batches)
		file := (id-1)/funcsPerFile + 1
		start := ((id-1)%funcsPerFile)*25 + 8
		tests = append(tests, ledger.ItemDef{ID: id, Mapping: ledger.Mapping{
			SourceFile:   fmt.Sprintf("server/file%03d_test.go", file),
			SourceSymbol: fmt.Sprintf("TestServer%04d", id),
			SourceStart:  start,
			SourceEnd:    start + 8 + rng.IntN(15),
			SourceDigest: digest(fmt.Sprintf("test %d %d", id, opt.Seed)),
			TargetFile:   fmt.Sprintf("port/b%02d/file%03d_test.go", b, file),
			TargetSymbol: fmt.Sprintf("TestServer%04d", id),
		}})
	}
	lanes := max(opt.Clones, 2)
	for b := 1; b <= opt.Batches; b++ {
		def := ledger.BatchDef{ID: b, Name: fmt.Sprintf("area %02d", b),
			Features: idRange(b, opt.Features, opt.Batches), Tests: idRange(b, opt.Tests, opt.Batches)}
		if b > lanes {
			def.Depends = append(def.Depends, b-lanes)
			// A cross dependency on an older batch of another lane.
			if lo, hi := max(1, b-3*lanes), b-lanes-1; hi >= lo && rng.IntN(2) == 0 {
				def.Depends = append([]int{lo + rng.IntN(hi-lo+1)}, def.Depends...)
			}
		}
		batches = append(batches, def)
	}
	return features, tests, batches
}

// batchOf is the batch of item id when n items are split evenly into
// batches of consecutive IDs.
func batchOf(id, n, batches int) int {
	return (id-1)*batches/n + 1
}

// idRange is the ID list of batch b's items ("" when it has none).
func idRange(b, n, batches int) string {
	var ids []int
	for id := max(1, (b-1)*n/batches); id <= n && batchOf(id, n, batches) <= b; id++ {
		if batchOf(id, n, batches) == b {
			ids = append(ids, id)
		}
	}
	return ledger.FormatIDs(ids)
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// WriteInventoryFile writes an inventory file (the format of porttracker
// inventory import) of n items, half features and half tests, in batches
// of about 2,500 items, to path.
func WriteInventoryFile(path string, n int) error {
	opt := Options{Features: n / 2, Tests: n - n/2, Batches: max(n/2500, 1), Clones: 2, Seed: 1}
	features, tests, batches := Inventory(opt)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := (&inventory.File{Features: features, Tests: tests, Batches: batches}).Encode(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
