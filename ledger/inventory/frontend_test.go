package inventory

import (
	"errors"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/symbol"
)

// frontendSrc declares what the symbol notation must tell apart: two func
// init, methods on a value and a pointer receiver, a generic receiver.
const frontendSrc = `package p

import "testing"

type T struct{}

type G[K comparable] struct{}

func init() { println(1) }

func (T) m() int { return 1 }

func (*T) n() int { return 2 }

func (g *G[K]) Get() {}

func (T) o() {}

func (*T) o() {}

func init() { println(2) }

func TestReal(t *testing.T) { t.Fatal("x") }

func Testify(t *testing.T) { t.Fatal("x") }

func TestResult(t *testing.T) int { return 0 }
`

// TestFrontEndsAgreeOnSymbols: every symbol the inventory records for a
// declaration names, to the gates, that declaration's body; "init#1" is
// the first init to both; a symbol the inventory does not read as an
// occurrence ("init#02", "init#0") or one past the last names nothing to
// the gates either.
func TestFrontEndsAgreeOnSymbols(t *testing.T) {
	decls, broken := scanFile("p.go", "p.go", []byte(frontendSrc))
	if broken != nil {
		t.Fatal(broken)
	}
	if len(decls) != 10 {
		t.Fatalf("scanned %d declarations, want 10", len(decls))
	}
	for _, d := range decls {
		_, line, err := gates.Body(gates.Go, []byte(frontendSrc), d.LedgerSymbol())
		if err != nil {
			t.Errorf("gates cannot find %s: %v", d.LedgerSymbol(), err)
			continue
		}
		if line != d.Start {
			t.Errorf("%s: gates find the body on line %d, the inventory declares it on line %d", d.LedgerSymbol(), line, d.Start)
		}
	}
	for _, tc := range []struct {
		sym  string
		line int // of the declaration both find, 0 for none
	}{
		{"init#1", 9}, {"init#2", 21}, {"(*T).o#1", 19}, {"(T).o", 17},
		{"init#02", 0}, {"init#0", 0}, {"init#3", 0}, {"(*T).m#2", 0}, {"init#", 0},
	} {
		name, occ := symbol.Split(tc.sym)
		line := 0
		for _, d := range decls {
			if d.Symbol == name && d.Occurrence == occ {
				line = d.Start
			}
		}
		_, at, err := gates.Body(gates.Go, []byte(frontendSrc), tc.sym)
		if tc.line == 0 && err != nil && !errors.Is(err, gates.ErrSymbolNotFound) {
			t.Errorf("%s: gates: %v", tc.sym, err)
		}
		if line != tc.line || at != tc.line {
			t.Errorf("%s: the inventory finds line %d, the gates line %d (%v); want %d", tc.sym, line, at, err, tc.line)
		}
	}
}

// TestFrontEndsAgreeOnTests: what the inventory scans as a test is what
// the gates judge as one (a test that asserts nothing is refused only as
// a test), by go test's rule.
func TestFrontEndsAgreeOnTests(t *testing.T) {
	decls, broken := scanFile("p_test.go", "p_test.go", []byte(frontendSrc))
	if broken != nil {
		t.Fatal(broken)
	}
	tests := map[string]bool{}
	for _, d := range decls {
		tests[d.Symbol] = true
	}
	silent := strings.NewReplacer(`t.Fatal("x")`, `println()`).Replace(frontendSrc)
	for _, name := range []string{"TestReal", "Testify", "TestResult"} {
		j, err := gates.JudgeSymbol(gates.Go, "p_test.go", []byte(silent), name, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		judgedAsTest := false
		for _, m := range j.Refusals {
			judgedAsTest = judgedAsTest || m.Pattern == gates.AssertsNothing
		}
		if judgedAsTest != tests[name] {
			t.Errorf("%s: a test to the inventory: %v; judged as a test by the gates: %v", name, tests[name], judgedAsTest)
		}
	}
}
