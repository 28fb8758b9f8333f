package ledger_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/porttracker/porttracker/internal/gen"
	"github.com/porttracker/porttracker/ledger"
)

// TestEncodeGeneratedInventories: the entries of the benchmarks' generated
// inventories encode byte for byte as the TOML encoder encodes them, so
// that what ssh-keygen -Y verify checked before checks the same now.
func TestEncodeGeneratedInventories(t *testing.T) {
	for _, opt := range []gen.Options{
		{Features: 3000, Tests: 2000, Batches: 2, Clones: 2, Seed: 1},
		{Features: 500, Tests: 700, Batches: 5, Clones: 3, Seed: 7},
	} {
		features, tests, batches := gen.Inventory(opt)
		e := &ledger.Entry{Version: 1, Kind: ledger.KindInventory, Signer: "bench@example.com", Time: time.Unix(1700000000, 0).UTC(),
			Clock: 2, Summary: "inventory", Source: "import x.toml", Features: features, Tests: tests, Batches: batches}
		got, err := e.EncodePayload()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		want.WriteString("# porttracker ledger entry; the [signature] table signs every byte above it.\n")
		if err := toml.NewEncoder(&want).Encode(e); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("seed %d: the payload of %d items differs from the TOML encoder's", opt.Seed, len(features)+len(tests))
		}
	}
}

// TestDecodeGeneratedInventories: the entries of the generated inventories
// are read by the definitions' own decoder (DecodeDefs), and read as
// go-toml reads them; so is the inventory file of the same definitions.
func TestDecodeGeneratedInventories(t *testing.T) {
	for _, opt := range []gen.Options{
		{Features: 3000, Tests: 2000, Batches: 2, Clones: 2, Seed: 1},
		{Features: 500, Tests: 700, Batches: 5, Clones: 3, Seed: 7},
	} {
		features, tests, batches := gen.Inventory(opt)
		e := &ledger.Entry{Version: 1, Kind: ledger.KindInventory, Signer: "bench@example.com", Time: time.Unix(1700000000, 0).UTC(),
			Clock: 2, Summary: "inventory", Source: "import x.toml", Features: features, Tests: tests, Batches: batches}
		payload, err := e.EncodePayload()
		if err != nil {
			t.Fatal(err)
		}
		var want ledger.Entry
		if err := ledger.DecodeTOML(payload, &want); err != nil {
			t.Fatal(err)
		}
		got, err := ledger.DecodePayload(payload)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) || !reflect.DeepEqual(got, e) {
			t.Fatalf("seed %d: the entry reads back otherwise than go-toml reads it", opt.Seed)
		}
		i := bytes.Index(payload, []byte("\n[["))
		defs, ok := ledger.DecodeDefs(string(payload[i+1:]), "batch_def")
		if !ok || !reflect.DeepEqual(defs, ledger.Defs{Features: features, Tests: tests, Batches: batches}) {
			t.Fatalf("seed %d: DecodeDefs took the entry's definitions: %v, or read them otherwise", opt.Seed, ok)
		}
	}
}
