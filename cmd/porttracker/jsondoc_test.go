package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// snakeKey is what every key of porttracker's JSON looks like.
var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// checkJSONDoc checks that out is exactly one JSON object with
// schema_version 1 and snake_case keys at every depth; wantError says
// whether it must be an error document (with code and message).
func checkJSONDoc(out []byte, wantError bool) error {
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("stdout is not a JSON document: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("stdout holds more than one JSON document")
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("the document is not an object")
	}
	if v, _ := obj["schema_version"].(json.Number); v.String() != "1" {
		return fmt.Errorf("schema_version is %v, want 1", obj["schema_version"])
	}
	if err := checkKeys(doc, ""); err != nil {
		return err
	}
	e, isErr := obj["error"].(map[string]any)
	switch {
	case wantError && !isErr:
		return fmt.Errorf("no error object")
	case !wantError && isErr:
		return fmt.Errorf("an error document: %v", e["message"])
	case isErr:
		if c, _ := e["code"].(string); c == "" {
			return fmt.Errorf("the error has no code")
		}
		if m, _ := e["message"].(string); m == "" {
			return fmt.Errorf("the error has no message")
		}
	}
	return nil
}

func checkKeys(v any, path string) error {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			if !snakeKey.MatchString(k) {
				return fmt.Errorf("key %q at %s is not snake_case", k, orRoot(path))
			}
			if err := checkKeys(sub, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, sub := range v {
			if err := checkKeys(sub, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "the top"
	}
	return strings.TrimPrefix(p, ".")
}

// cmdJSONDoc checks the last command's stdout: jsondoc [error].
func cmdJSONDoc(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) > 1 || len(args) == 1 && args[0] != "error" {
		ts.Fatalf("usage: jsondoc [error]")
	}
	err := checkJSONDoc([]byte(ts.ReadFile("stdout")), len(args) == 1)
	if neg && err == nil {
		ts.Fatalf("stdout is a valid porttracker JSON document")
	}
	if !neg && err != nil {
		ts.Fatalf("%v", err)
	}
}

func TestCheckJSONDoc(t *testing.T) {
	for _, tc := range []struct {
		in        string
		wantError bool
		ok        bool
	}{
		{`{"schema_version":1,"items":[{"source_file":"a"}],"count":1}`, false, true},
		{`{"schema_version":1,"error":{"code":"usage","exit_status":2,"message":"x"}}`, true, true},
		{`{"schema_version":1,"error":{"code":"usage","exit_status":2,"message":"x"}}`, false, false},
		{`{"schema_version":1,"items":[]}` + "\nwrote 3 files\n", false, false},
		{`{"schema_version":1}{"schema_version":1}`, false, false},
		{`[{"id":1}]`, false, false},
		{`{"items":[]}`, false, false},
		{`{"schema_version":1,"signers":[{"Identity":"a"}]}`, false, false},
		{`{"schema_version":1,"a":{"addedBy":"x"}}`, false, false},
		{``, false, false},
	} {
		err := checkJSONDoc([]byte(tc.in), tc.wantError)
		if (err == nil) != tc.ok {
			t.Errorf("checkJSONDoc(%q, %v) = %v, want ok=%v", tc.in, tc.wantError, err, tc.ok)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, struct {
		A int    `json:"a"`
		B string `json:"b"`
	}{1, "<x>"}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"schema_version\": 1,\n  \"a\": 1,\n  \"b\": \"<x>\"\n}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := writeJSON(&b, struct{}{}); err != nil || b.String() != "{\n  \"schema_version\": 1\n}\n" {
		t.Errorf("empty object: %q, %v", b.String(), err)
	}
	if err := writeJSON(io.Discard, []int{1}); err == nil {
		t.Errorf("an array was accepted as a document")
	}
}
