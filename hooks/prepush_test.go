package hooks

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const (
	zero = "0000000000000000000000000000000000000000"
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	shaC = "cccccccccccccccccccccccccccccccccccccccc"
)

const ledgerRef = "refs/heads/porting-ledger"

func TestParsePushLine(t *testing.T) {
	sha256 := strings.Repeat("ab", 32)
	tests := []struct {
		line    string
		want    PushLine
		wantErr bool
	}{
		{line: "refs/heads/main " + shaA + " refs/heads/main " + shaB, want: PushLine{"refs/heads/main", shaA, "refs/heads/main", shaB}},
		{line: "(delete) " + zero + " refs/heads/x " + shaB, want: PushLine{"(delete)", zero, "refs/heads/x", shaB}},
		{line: "refs/heads/main " + sha256 + " refs/heads/main " + strings.Repeat("0", 64), want: PushLine{"refs/heads/main", sha256, "refs/heads/main", strings.Repeat("0", 64)}},
		{line: "", wantErr: true},
		{line: "refs/heads/a\nb " + shaA + " refs/heads/main " + shaB, wantErr: true},
		{line: "refs/heads/main " + shaA + " refs/heads/main", wantErr: true},
		{line: "refs/heads/main " + shaA + " refs/heads/main " + shaB + " extra", wantErr: true},
		{line: "refs/heads/main  " + shaA + " refs/heads/main " + shaB, wantErr: true},
		{line: "refs/heads/main " + strings.ToUpper(shaA) + " refs/heads/main " + shaB, wantErr: true},
		{line: "refs/heads/main abc refs/heads/main " + shaB, wantErr: true},
		{line: "refs/heads/main " + shaA + " refs/heads/main g" + shaB[1:], wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParsePushLine(tt.line)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePushLine(%q): error %v, want error %v", tt.line, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParsePushLine(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
		if err == nil && got.String() != tt.line {
			t.Errorf("String() = %q, want %q", got.String(), tt.line)
		}
	}
}

func TestPrePush(t *testing.T) {
	line := func(local, sha, remote, rsha string) string {
		return local + " " + sha + " " + remote + " " + rsha + "\n"
	}
	verify := func(calls *[]string) VerifyFunc {
		return func(sha, _ string) ([]string, error) {
			*calls = append(*calls, sha)
			switch sha {
			case shaB:
				return []string{"entries/ab/x.toml: commit edits an entry", "commit is not signed"}, nil
			case shaC:
				return nil, errors.New("object not found")
			}
			return nil, nil
		}
	}
	code := func(calls *[]string) CodeFunc {
		return func(sha, remote string) ([]string, error) {
			*calls = append(*calls, "code "+sha+" "+remote)
			switch sha {
			case shaB:
				return []string{"feature 1 (calc.go Add): stub in its body"}, nil
			case shaC:
				return nil, errors.New("object not found")
			}
			return nil, nil
		}
	}
	tests := []struct {
		name      string
		input     string
		want      []string
		wantErr   string
		wantCalls []string
	}{
		{name: "empty input"},
		{
			name: "a code branch that re-stubs promoted work", input: line("refs/heads/main", shaB, "refs/heads/main", shaA),
			want:      []string{"refs/heads/main at bbbbbbbbbbbb: feature 1 (calc.go Add): stub in its body"},
			wantCalls: []string{"code " + shaB + " " + shaA},
		},
		{
			name: "good code and good ledger", input: line("refs/heads/main", shaA, "refs/heads/main", zero) + line(ledgerRef, shaA, ledgerRef, zero),
			wantCalls: []string{"code " + shaA + " " + zero, shaA},
		},
		{
			name: "the same code commit on two refs is checked once", input: line("refs/heads/main", shaA, "refs/heads/main", zero) + line("refs/heads/main", shaA, "refs/heads/x", zero),
			wantCalls: []string{"code " + shaA + " " + zero},
		},
		{name: "the code check fails", input: line("refs/tags/v1", shaC, "refs/tags/v1", zero), wantErr: "object not found", wantCalls: []string{"code " + shaC + " " + zero}},
		{
			name: "tampered ledger", input: line(ledgerRef, shaB, ledgerRef, shaA),
			want: []string{
				ledgerRef + " at bbbbbbbbbbbb: entries/ab/x.toml: commit edits an entry",
				ledgerRef + " at bbbbbbbbbbbb: commit is not signed",
			},
			wantCalls: []string{shaB},
		},
		{
			name: "another branch pushed onto the remote ledger", input: line("refs/heads/evil", shaB, ledgerRef, shaA),
			want: []string{
				"refs/heads/evil at bbbbbbbbbbbb: entries/ab/x.toml: commit edits an entry",
				"refs/heads/evil at bbbbbbbbbbbb: commit is not signed",
			},
			wantCalls: []string{shaB},
		},
		{
			name: "deleting the remote ledger is refused", input: line("(delete)", zero, ledgerRef, shaA),
			want: []string{"refs/heads/porting-ledger: this push deletes the ledger branch on the remote (pushing an older ledger after it would rewind it); the ledger is append-only"},
		},
		{name: "deleting another branch", input: line("(delete)", zero, "refs/heads/backup", shaA)},
		{
			name: "the same commit twice is verified once", input: line(ledgerRef, shaA, ledgerRef, zero) + line(ledgerRef, shaA, "refs/heads/backup", zero),
			wantCalls: []string{shaA},
		},
		{name: "blank lines and CRLF", input: "\n" + strings.TrimSuffix(line(ledgerRef, shaA, ledgerRef, zero), "\n") + "\r\n\n", wantCalls: []string{shaA}},
		{name: "malformed input refuses", input: "refs/heads/porting-ledger " + shaA + "\n", wantErr: "pre-push input"},
		{name: "verify fails", input: line(ledgerRef, shaC, ledgerRef, zero), wantErr: "object not found", wantCalls: []string{shaC}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			got, err := PrePush(strings.NewReader(tt.input), ledgerRef, verify(&calls), code(&calls))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("PrePush error %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("PrePush: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PrePush = %q, want %q", got, tt.want)
			}
			if !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Errorf("verified %q, want %q", calls, tt.wantCalls)
			}
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestPrePushReadError(t *testing.T) {
	if _, err := PrePush(errReader{}, ledgerRef, func(string, string) ([]string, error) { return nil, nil }, nil); err == nil {
		t.Error("a read error was not reported")
	}
}

// FuzzParsePushLine checks that the parser never panics, and that what it
// accepts has four well-formed fields and formats back to the same line.
func FuzzParsePushLine(f *testing.F) {
	f.Add("refs/heads/porting-ledger " + shaA + " refs/heads/porting-ledger " + zero)
	f.Add("(delete) " + zero + " refs/heads/x " + shaB)
	f.Add("refs/heads/main " + strings.Repeat("ab", 32) + " refs/heads/main " + strings.Repeat("0", 64))
	f.Add("a b c d")
	f.Add("")
	f.Fuzz(func(t *testing.T, line string) {
		l, err := ParsePushLine(line)
		if err != nil {
			return
		}
		if l.String() != line {
			t.Errorf("String() = %q, want %q", l.String(), line)
		}
		for _, s := range []string{l.LocalSHA, l.RemoteSHA} {
			if !isObjectName(s) {
				t.Errorf("accepted object name %q", s)
			}
		}
		for _, r := range []string{l.LocalRef, l.RemoteRef} {
			if r == "" || strings.ContainsAny(r, " \n\r\t") {
				t.Errorf("accepted ref %q", r)
			}
		}
		if l.Deletes() != (strings.Trim(l.LocalSHA, "0") == "") {
			t.Errorf("Deletes() = %v for %q", l.Deletes(), l.LocalSHA)
		}
		// The same line on pre-push's stdin is read the same way.
		var got []string
		if _, err := PrePush(strings.NewReader(line+"\n"), l.LocalRef, func(sha, _ string) ([]string, error) {
			got = append(got, sha)
			return nil, nil
		}, nil); err != nil {
			t.Errorf("PrePush rejects a line ParsePushLine accepts: %v", err)
		}
		if want := !l.Deletes(); (len(got) == 1) != want {
			t.Errorf("verified %q for %q", got, line)
		}
	})
}
