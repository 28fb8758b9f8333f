// Package inventory defines the items of a port: it reads the inventory
// files that `porttracker inventory import` takes, and scans Go source to
// define every function and test with stable IDs.
package inventory

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/porttracker/porttracker/ledger"
)

// File is an inventory file: features, tests and batches to define or remap.
type File struct {
	Features []Item  `toml:"feature"`
	Tests    []Item  `toml:"test"`
	Batches  []Batch `toml:"batch"`
}

// Item is one feature or test of an inventory file.
type Item = ledger.ItemDef

// Batch is one batch of an inventory file. Features and Tests are ID lists
// ("1636-1693", "757,761").
type Batch = ledger.BatchDef

// ReadFile reads and checks an inventory file.
func ReadFile(path string) (*File, error) {
	doc, err := readString(path)
	if err != nil {
		return nil, err
	}
	return parse(path, doc)
}

// readString reads the file at path into a string, copying it once: the
// definitions DecodeDefs reads hold substrings of it, and a file of a
// million items is a third of a gigabyte.
func readString(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var sb strings.Builder
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < 1<<40 {
		sb.Grow(int(fi.Size()) + 1)
	}
	if _, err := io.Copy(&sb, f); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// Parse reads and checks an inventory file from r; name is used in errors.
func Parse(name string, r io.Reader) (*File, error) {
	var sb strings.Builder
	if _, err := io.Copy(&sb, r); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return parse(name, sb.String())
}

// parse reads the file as ledger.DecodeDefs reads it, which is as
// parseTOML reads it and without reflection (an inventory can define a
// million items), or, when it is not of the plain form DecodeDefs reads,
// with parseTOML, whose errors name the line.
func parse(name string, doc string) (*File, error) {
	d, ok := ledger.DecodeDefs(doc, "batch")
	if !ok {
		return parseTOML(name, []byte(doc))
	}
	return checked(name, &File{Features: d.Features, Tests: d.Tests, Batches: d.Batches})
}

// parseTOML reads the file with the TOML decoder.
func parseTOML(name string, data []byte) (*File, error) {
	var f File
	if err := ledger.DecodeTOML(data, &f); errors.Is(err, ledger.ErrUnknownKey) {
		return nil, fmt.Errorf("%s: %v (see the inventory format in the README)", name, err)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return checked(name, &f)
}

// checked is f, or the first problem Check finds in it.
func checked(name string, f *File) (*File, error) {
	if err := f.Check(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return f, nil
}

// Check reports the first problem that would make the file ambiguous.
func (f *File) Check() error {
	for _, set := range []struct {
		kind  ledger.Kind
		items []Item
	}{{ledger.Feature, f.Features}, {ledger.Test, f.Tests}} {
		seen := map[int]bool{}
		for _, it := range set.items {
			if it.ID <= 0 {
				return fmt.Errorf("%s with id %d: ids are positive whole numbers", set.kind, it.ID)
			}
			if seen[it.ID] {
				return fmt.Errorf("%s %d is defined twice", set.kind, it.ID)
			}
			seen[it.ID] = true
			if err := ledger.CheckMapping(it.Mapping); err != nil {
				return fmt.Errorf("%s %d: %v", set.kind, it.ID, err)
			}
		}
	}
	seen := map[int]bool{}
	for _, b := range f.Batches {
		if b.ID <= 0 {
			return fmt.Errorf("batch with id %d: ids are positive whole numbers", b.ID)
		}
		if seen[b.ID] {
			return fmt.Errorf("batch %d is defined twice", b.ID)
		}
		seen[b.ID] = true
		if strings.TrimSpace(b.Name) == "" {
			return fmt.Errorf("batch %d has no name", b.ID)
		}
		if slices.Contains(b.Depends, b.ID) {
			return fmt.Errorf("batch %d depends on itself", b.ID)
		}
		if _, err := b.Members(); err != nil {
			return err
		}
	}
	return nil
}

// Encode writes the file in the format that Parse reads.
func (f *File) Encode(w io.Writer) error {
	return toml.NewEncoder(w).Encode(f)
}
