package inventory

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/porttracker/porttracker/gates/csharp"
)

// targetMethod is a method declared in the target tree.
type targetMethod struct {
	// Class is the C# class (struct, record, interface) that declares the
	// method; empty for a Go target.
	Class string
	// Name is the method's name as declared; for a Go target, the symbol.
	Name string
	// File is the file's slash path relative to the target root.
	File string
	// Test marks a C# method with a test attribute ([Fact], [Theory],
	// [Test], [TestMethod], ...) or a Go TestXxx.
	Test bool
}

// csFiles lists the C# files under root as sorted slash paths relative to
// root, skipping bin, obj and dot-directories.
func csFiles(root string) ([]string, error) {
	files, err := listFiles(root, ".cs", "bin", "obj")
	if err != nil {
		return nil, fmt.Errorf("list C# files under %s: %w", root, err)
	}
	return files, nil
}

// csMethods reads every C# file under root once, in parallel, and returns
// the methods it declares in file order.
func csMethods(root string) ([]targetMethod, error) {
	files, err := csFiles(root)
	if err != nil {
		return nil, err
	}
	found := make([][]targetMethod, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int) {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(files[i])))
		if err != nil {
			errs[i] = fmt.Errorf("index the target tree: %w", err)
			return
		}
		found[i] = csFileMethods(files[i], src)
	}, func(int) {})
	var all []targetMethod
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, found[i]...)
	}
	return all, nil
}

// csFileMethods finds the methods declared in one C# file with the C# front
// end the gates use, so that a suggested target symbol is one the gates find.
func csFileMethods(file string, src []byte) []targetMethod {
	var out []targetMethod
	for _, m := range csharp.Methods(src) {
		out = append(out, targetMethod{Class: m.Class, Name: m.Name, File: file, Test: m.Test})
	}
	return out
}
