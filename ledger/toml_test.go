package ledger

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeTOML(t *testing.T) {
	type doc struct {
		Name  string    `toml:"name"`
		Items []ItemDef `toml:"item"`
	}
	for name, tc := range map[string]struct {
		in, wantErr string
		unknown     bool
	}{
		"good":          {in: "name = \"x\"\n[[item]]\nid = 2\nsource_file = \"a.go\"\n"},
		"unknown key":   {in: "name = \"x\"\n\n[[item]]\nid = 2\nsorce = 1\n", wantErr: "unknown key item.sorce (line 5)", unknown: true},
		"syntax":        {in: "name = \"x\nid = 2\n", wantErr: "line 1"},
		"wrong type":    {in: "name = 3\n", wantErr: "line 1"},
		"duplicate key": {in: "name = \"a\"\nname = \"b\"\n", wantErr: "line 2"},
	} {
		t.Run(name, func(t *testing.T) {
			var d doc
			err := DecodeTOML([]byte(tc.in), &d)
			if tc.wantErr == "" {
				if err != nil || d.Name != "x" || len(d.Items) != 1 || d.Items[0].SourceFile != "a.go" {
					t.Fatalf("got %+v, %v", d, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one that says %q", err, tc.wantErr)
			}
			if errors.Is(err, ErrUnknownKey) != tc.unknown {
				t.Fatalf("errors.Is(%v, ErrUnknownKey) = %v", err, !tc.unknown)
			}
		})
	}
}
