package inventory

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/porttracker/porttracker/gates/symbol"
	"github.com/porttracker/porttracker/ledger"
)

// Target languages that Suggest knows.
const (
	LangCSharp = "csharp"
	LangGo     = "go"
)

// Suggest proposes a target file and symbol for every item that is not
// removed and has no target symbol yet, by looking for a method of a
// matching name in the target tree under targetRoot. lang is LangCSharp or
// LangGo. The result maps each item it found a target for to the item's
// whole mapping with TargetFile (relative to the top of the git repository
// that holds targetRoot, or to targetRoot outside one; slash-separated) and
// TargetSymbol set. Items with no match, or more than one equally good
// match, are left out. The answer depends only on the items and the tree.
//
// For C#, a method (*jetStream).processConsumerAssignment is looked for as
// ProcessConsumerAssignment in class JetStream (names compare without case
// and underscores, so jsAPIRoutes finds JsApiRoutes), and else in the only
// class that declares that name; a function without receiver is looked for
// first in the class named after its Go file (jetstream_cluster.go:
// JetStreamCluster). A test TestJetStreamClusterConsumerState is looked for
// among methods with a test attribute: one named JetStreamClusterConsumerState
// (or JetStreamClusterConsumerState_...), then ConsumerState or
// ConsumerState_... in a class named JetStreamCluster, JetStreamClusterTests,
// JetStreamClusterTests1, ..., then any method whose name contains
// JetStreamClusterConsumerState; a tie is broken by the class named after the
// Go file (jetstream_cluster_1_test.go: JetStreamClusterTests1). The target
// symbol is Class.Method as declared. For Go, the function or method with the
// same symbol and kind is taken, preferring the same file path and then the
// same file name.
func Suggest(items []Known, targetRoot, lang string) (map[ledger.ItemKey]ledger.Mapping, error) {
	var methods []targetMethod
	var err error
	switch lang {
	case LangCSharp:
		methods, err = csMethods(targetRoot)
	case LangGo:
		methods, err = goMethods(targetRoot)
	default:
		return nil, fmt.Errorf("suggest targets: unknown target language %q (want %s or %s)", lang, LangCSharp, LangGo)
	}
	if err != nil {
		return nil, err
	}
	repo, err := findRepo(targetRoot)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if repo != nil {
		prefix = repo.Prefix
	}
	idx := newTargetIndex(methods)
	out := map[ledger.ItemKey]ledger.Mapping{}
	for _, it := range items {
		if it.Removed || it.TargetSymbol != "" || it.SourceSymbol == "" {
			continue
		}
		sym, occ := symbol.Split(it.SourceSymbol)
		if occ > 0 {
			continue
		}
		var m targetMethod
		var ok bool
		switch {
		case lang == LangGo:
			m, ok = idx.goMatch(it.Kind, sym, it.SourceFile)
		case it.Kind == ledger.Test:
			m, ok = idx.csTest(sym, it.SourceFile)
		default:
			m, ok = idx.csFeature(sym, it.SourceFile)
		}
		if !ok {
			continue
		}
		mapping := it.Mapping
		mapping.TargetFile = joinPrefix(prefix, m.File)
		mapping.TargetSymbol = m.Name
		if m.Class != "" {
			mapping.TargetSymbol = m.Class + "." + m.Name
		}
		out[it.ItemKey] = mapping
	}
	return out, nil
}

// goMethods indexes the functions, methods and tests of a Go target tree.
func goMethods(root string) ([]targetMethod, error) {
	res, err := Scan(root, ScanOptions{SkipBroken: true})
	if err != nil {
		return nil, fmt.Errorf("index the target tree: %w", err)
	}
	var out []targetMethod
	for _, d := range res.Decls {
		if d.Occurrence == 0 {
			out = append(out, targetMethod{Name: d.Symbol, File: d.File, Test: d.Kind == ledger.Test})
		}
	}
	return out, nil
}

// targetIndex looks up the methods of a target tree.
type targetIndex struct {
	methods []targetMethod
	// norm holds the normalized name of each method.
	norm []string
	// byName and byHead hold indexes into methods by the normalized name
	// and by the normalized part of the name before its first underscore.
	byName, byHead map[string][]int
	// classes are the distinct class names, sorted.
	classes []string
	// hasTests says that some method has a test attribute.
	hasTests bool
}

// newTargetIndex indexes methods.
func newTargetIndex(methods []targetMethod) *targetIndex {
	x := &targetIndex{methods: methods, norm: make([]string, len(methods)), byName: map[string][]int{}, byHead: map[string][]int{}}
	seen := map[string]bool{}
	for i, m := range methods {
		x.norm[i] = normName(m.Name)
		x.byName[x.norm[i]] = append(x.byName[x.norm[i]], i)
		x.byHead[headName(m.Name)] = append(x.byHead[headName(m.Name)], i)
		x.hasTests = x.hasTests || m.Test
		if m.Class != "" && !seen[m.Class] {
			seen[m.Class] = true
			x.classes = append(x.classes, m.Class)
		}
	}
	slices.Sort(x.classes)
	return x
}

// goMatch finds the Go function of the same kind and symbol.
func (x *targetIndex) goMatch(kind ledger.Kind, sym, sourceFile string) (targetMethod, bool) {
	var cands []targetMethod
	for _, i := range x.byName[normName(sym)] {
		if m := x.methods[i]; m.Name == sym && m.Test == (kind == ledger.Test) {
			cands = append(cands, m)
		}
	}
	for _, same := range []func(targetMethod) bool{
		func(m targetMethod) bool { return m.File == sourceFile },
		func(m targetMethod) bool { return path.Base(m.File) == path.Base(sourceFile) },
		func(targetMethod) bool { return true },
	} {
		var hits []targetMethod
		for _, m := range cands {
			if same(m) {
				hits = append(hits, m)
			}
		}
		if len(hits) == 1 {
			return hits[0], true
		}
		if len(hits) > 1 {
			return targetMethod{}, false
		}
	}
	return targetMethod{}, false
}

// csFeature finds the C# method for a Go function or method.
func (x *targetIndex) csFeature(sym, sourceFile string) (targetMethod, bool) {
	recv, name := splitGoSymbol(sym)
	if name == "init" || name == "main" {
		return targetMethod{}, false
	}
	owner := recv
	if owner == "" {
		owner = fileStem(sourceFile)
	}
	var cands, owned []targetMethod
	for _, i := range x.byName[normName(name)] {
		m := x.methods[i]
		if m.Test {
			continue
		}
		cands = append(cands, m)
		if normName(m.Class) == normName(owner) {
			owned = append(owned, m)
		}
	}
	if len(owned) > 0 {
		return owned[0], true
	}
	if len(cands) > 0 && distinctTargets(cands) == 1 {
		return cands[0], true
	}
	return targetMethod{}, false
}

// csTest finds the C# test method for a Go test.
func (x *targetIndex) csTest(sym, sourceFile string) (targetMethod, bool) {
	want := normName(strings.TrimPrefix(sym, "Test"))
	if want == "" {
		return targetMethod{}, false
	}
	inPool := func(m targetMethod) bool { return m.Test || !x.hasTests }
	pick := func(ids []int) []targetMethod {
		var out []targetMethod
		for _, i := range ids {
			if m := x.methods[i]; inPool(m) {
				out = append(out, m)
			}
		}
		return out
	}
	tiers := []func() []targetMethod{
		func() []targetMethod { return pick(x.byName[want]) },
		func() []targetMethod { return pick(x.byHead[want]) },
		func() []targetMethod { return x.byClassPrefix(want, inPool) },
		func() []targetMethod {
			var out []targetMethod
			for i, m := range x.methods {
				if inPool(m) && strings.Contains(x.norm[i], want) {
					out = append(out, m)
				}
			}
			return out
		},
	}
	stem := normName(strings.TrimSuffix(fileStem(sourceFile), "_test"))
	for _, tier := range tiers {
		cands := tier()
		if len(cands) == 0 {
			continue
		}
		if distinctTargets(cands) == 1 {
			return cands[0], true
		}
		var byFile []targetMethod
		for _, m := range cands {
			if classKey(m.Class) == stem {
				byFile = append(byFile, m)
			}
		}
		if len(byFile) > 0 && distinctTargets(byFile) == 1 {
			return byFile[0], true
		}
		return targetMethod{}, false
	}
	return targetMethod{}, false
}

// byClassPrefix finds, for a test name such as jetstreamclusterconsumerstate,
// the methods named consumerstate (or consumerstate_...) in classes whose
// name without "Tests" and trailing digits is a prefix of it
// (JetStreamClusterTests1).
func (x *targetIndex) byClassPrefix(want string, inPool func(targetMethod) bool) []targetMethod {
	var out []targetMethod
	for _, class := range x.classes {
		cp := strings.TrimRightFunc(classKey(class), unicode.IsDigit)
		rest, ok := strings.CutPrefix(want, cp)
		if cp == "" || !ok || rest == "" {
			continue
		}
		for _, i := range x.byHead[rest] {
			if m := x.methods[i]; m.Class == class && inPool(m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// distinctTargets counts the distinct Class.Name among methods.
func distinctTargets(ms []targetMethod) int {
	seen := map[[2]string]bool{}
	for _, m := range ms {
		seen[[2]string{m.Class, m.Name}] = true
	}
	return len(seen)
}

// splitGoSymbol splits "(*jetStream).processConsumerAssignment" into
// "jetStream" and "processConsumerAssignment"; a function has no receiver.
func splitGoSymbol(sym string) (recv, name string) {
	if !strings.HasPrefix(sym, "(") {
		return "", sym
	}
	i := strings.Index(sym, ").")
	if i < 0 {
		return "", sym
	}
	return strings.TrimPrefix(sym[1:i], "*"), sym[i+2:]
}

// fileStem is a file's base name without its extension.
func fileStem(p string) string {
	base := path.Base(p)
	return strings.TrimSuffix(base, path.Ext(base))
}

// normName folds a name for comparison: lower case, letters and digits only.
func normName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headName is the normalized part of a name before its first underscore
// (ConsumerState_ShouldSucceed: consumerstate).
func headName(s string) string {
	head, _, _ := strings.Cut(s, "_")
	return normName(head)
}

// classKey is a class name normalized without "tests" or "test"
// (JetStreamClusterTests1: jetstreamcluster1).
func classKey(class string) string {
	k := strings.ReplaceAll(normName(class), "tests", "")
	return strings.ReplaceAll(k, "test", "")
}
