package hooks

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// zero, shaA, shaB and shaC are those of prepush_test.go.

func TestPreReceive(t *testing.T) {
	const ledgerRef = "refs/heads/porting-ledger"
	checks := func(calls *[]string) ServerChecks {
		return ServerChecks{
			LedgerRef: ledgerRef,
			// a is an ancestor of b; c is unrelated.
			IsAncestor: func(a, b string) (bool, error) { return a == shaA && b == shaB, nil },
			VerifyLedger: func(sha string) ([]string, error) {
				*calls = append(*calls, "verify "+sha[:1])
				if sha == shaC {
					return []string{"entries/x: bad signature"}, nil
				}
				return nil, nil
			},
			CheckCode: func(old, sha, ledger string) ([]string, error) {
				*calls = append(*calls, "code "+sha[:1]+" ledger "+ledger+"")
				if sha == shaC {
					return []string{"feature 1: stub in its body"}, nil
				}
				return nil, nil
			},
		}
	}
	for _, tc := range []struct {
		name    string
		lines   []ReceiveLine
		refused []string // substrings, one per refusal
		calls   []string
	}{
		{"ledger fast-forward", []ReceiveLine{{shaA, shaB, ledgerRef}}, nil, []string{"verify b"}},
		{"ledger created", []ReceiveLine{{zero, shaB, ledgerRef}}, nil, []string{"verify b"}},
		{"ledger deleted", []ReceiveLine{{shaA, zero, ledgerRef}}, []string{"deleting the ledger branch is refused"}, nil},
		{"ledger rewound", []ReceiveLine{{shaB, shaA, ledgerRef}}, []string{"does not contain"}, nil},
		{"ledger forged", []ReceiveLine{{zero, shaC, ledgerRef}}, []string{"bad signature"}, []string{"verify c"}},
		{"code re-stubbed", []ReceiveLine{{shaA, shaC, "refs/heads/main"}}, []string{"refs/heads/main at cccccccccccc: feature 1: stub"}, []string{"code c ledger "}},
		{"code with the pushed ledger", []ReceiveLine{{shaA, shaB, "refs/heads/main"}, {shaA, shaB, ledgerRef}}, nil, []string{"verify b", "code b ledger " + shaB}},
		{"code not checked when the ledger is refused", []ReceiveLine{{shaA, shaC, "refs/heads/main"}, {shaB, shaA, ledgerRef}}, []string{"does not contain"}, nil},
		{"tags and deletions of code pass", []ReceiveLine{{zero, shaC, "refs/tags/v1"}, {shaC, zero, "refs/heads/old"}}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			got, err := PreReceive(tc.lines, checks(&calls))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.refused) {
				t.Fatalf("refusals %q, want %d", got, len(tc.refused))
			}
			for i, want := range tc.refused {
				if !strings.Contains(got[i], want) {
					t.Errorf("refusal %q does not say %q", got[i], want)
				}
			}
			if !slices.Equal(calls, tc.calls) {
				t.Errorf("calls %q, want %q", calls, tc.calls)
			}
		})
	}
	// A check that cannot run refuses the push.
	c := checks(new([]string))
	c.VerifyLedger = func(string) ([]string, error) { return nil, errors.New("disk on fire") }
	if _, err := PreReceive([]ReceiveLine{{shaA, shaB, ledgerRef}}, c); err == nil {
		t.Fatal("an error in verification let the push through")
	}
}

func TestReadReceive(t *testing.T) {
	for _, tc := range []struct {
		in      string
		n       int
		wantErr bool
	}{
		{zero + " " + shaA + " refs/heads/main\n", 1, false},
		{zero + " " + shaA + " refs/heads/main\r\n\n" + shaA + " " + zero + " refs/tags/x\n", 2, false},
		{zero + " " + shaA + "\n", 0, true},
		{zero + " " + shaA + " main\n", 0, true},
		{zero + " xyz refs/heads/main\n", 0, true},
		{zero + " " + shaA + " refs/heads/a b\n", 0, true},
	} {
		got, err := ReadReceive(strings.NewReader(tc.in))
		if (err != nil) != tc.wantErr || len(got) != tc.n {
			t.Errorf("%q: %d lines, err %v", tc.in, len(got), err)
		}
	}
}

func FuzzParseReceiveLine(f *testing.F) {
	f.Add(zero + " " + shaA + " refs/heads/main")
	f.Add("x y z")
	f.Fuzz(func(t *testing.T, line string) {
		l, err := ParseReceiveLine(line)
		if err != nil {
			return
		}
		if l.String() != line {
			t.Fatalf("%q parsed as %+v", line, l)
		}
	})
}
