package ledger

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

func signedFile(t testing.TB, e *Entry) []byte {
	t.Helper()
	payload, err := e.EncodePayload()
	if err != nil {
		t.Fatal(err)
	}
	armored, err := newKey(t).Sign(payload, sshkey.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	return AssembleFile(payload, armored)
}

func sampleEntry() *Entry {
	return &Entry{Version: FormatVersion, Kind: KindTransition, Signer: "alice@example.com",
		Time: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC), Clock: 7, ItemKind: Feature, Reason: "blocked: x",
		Summary:  "feature 1637: not_started -> deferred",
		Moves:    []Move{{ID: 1637, From: NotStarted, To: Deferred, Prev: []string{"abc"}}},
		Evidence: &Evidence{CodeCommit: "c0ffee", Gates: []GateResult{{Name: "stub", OK: true, Matches: []string{"a.go:1: x"}}}}}
}

func TestEntryRoundTrip(t *testing.T) {
	file := signedFile(t, sampleEntry())
	rec, err := ParseRecord("", file)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Verify(); err != nil {
		t.Fatal(err)
	}
	if rec.Entry.Moves[0].To != Deferred || rec.Entry.Reason != "blocked: x" || rec.Entry.Evidence.Gates[0].Matches[0] != "a.go:1: x" {
		t.Fatalf("decoded %+v", rec.Entry)
	}
	if _, err := ParseRecord(EntryPath(rec.ID), file); err != nil {
		t.Fatalf("at its own path: %v", err)
	}
	if !bytes.HasSuffix(file, []byte("-----END SSH SIGNATURE-----\n\"\"\"\n")) {
		t.Fatalf("the signature must end the file:\n%s", file)
	}
	if !bytes.Contains(file, []byte("\n[signature]\nsshsig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n")) {
		t.Fatalf("signature table not as designed:\n%s", file)
	}
}

func TestEntryTampering(t *testing.T) {
	file := signedFile(t, sampleEntry())
	rec, _ := ParseRecord("", file)
	path := EntryPath(rec.ID)
	edited := bytes.Replace(file, []byte(`to = "deferred"`), []byte(`to = "verified"`), 1)
	if _, err := ParseRecord(path, edited); err == nil || !strings.Contains(err.Error(), "does not match its name") {
		t.Errorf("edited entry at its old path: %v", err)
	}
	forged, err := ParseRecord("", edited)
	if err != nil {
		t.Fatal(err)
	}
	if err := forged.Verify(); err == nil {
		t.Error("an edited payload verified")
	}
	// A signature from another namespace is refused.
	payload, armored, _ := SplitFile(file)
	other, _ := newKey(t).Sign(payload, "git")
	rec2, _ := ParseRecord("", AssembleFile(payload, other))
	if err := rec2.Verify(); err == nil || !strings.Contains(err.Error(), "namespace") {
		t.Errorf("git-namespace signature: %v", err)
	}
	_ = armored
}

func TestSplitFileRefuses(t *testing.T) {
	good := string(signedFile(t, sampleEntry()))
	for name, file := range map[string]string{
		"no signature":        "version = 1\n",
		"text after the sig":  good + "extra = 1\n",
		"other key in table":  strings.Replace(good, "sshsig = \"\"\"", "sig = \"\"\"", 1),
		"not armored":         strings.Replace(good, "-----BEGIN SSH SIGNATURE-----", "-----BEGIN PGP SIGNATURE-----", 1),
		"missing closing":     strings.TrimSuffix(good, "\"\"\"\n"),
		"triple quote inside": strings.Replace(good, "-----END SSH SIGNATURE-----\n", "\"\"\"\n-----END SSH SIGNATURE-----\n", 1),
	} {
		if _, _, err := SplitFile([]byte(file)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestDecodePayloadStrict(t *testing.T) {
	for name, payload := range map[string]string{
		"unknown key":  "version = 1\nkind = \"batch\"\nsigner = \"a\"\nclock = 1\ntime = 2026-01-01T00:00:00Z\ncolour = \"red\"\n",
		"bad version":  "version = 2\nkind = \"batch\"\nsigner = \"a\"\nclock = 1\ntime = 2026-01-01T00:00:00Z\n",
		"no signer":    "version = 1\nkind = \"batch\"\nclock = 1\ntime = 2026-01-01T00:00:00Z\n",
		"no clock":     "version = 1\nkind = \"batch\"\nsigner = \"a\"\ntime = 2026-01-01T00:00:00Z\n",
		"unknown kind": "version = 1\nkind = \"vote\"\nsigner = \"a\"\nclock = 1\ntime = 2026-01-01T00:00:00Z\n",
		"not toml":     "version = = 1\n",
	} {
		if _, err := DecodePayload([]byte(payload)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add(signedFile(f, sampleEntry()))
	f.Add([]byte("version = 1\n[signature]\nsshsig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n\"\"\"\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, file []byte) {
		rec, err := ParseRecord("", file)
		if err != nil {
			return
		}
		// What parses re-assembles to the same bytes, and verifying it never panics.
		if !bytes.Equal(AssembleFile(rec.Payload, rec.Armored), file) {
			t.Fatalf("re-assembly differs")
		}
		_ = rec.Verify()
	})
}
