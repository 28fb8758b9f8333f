package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/porttracker/porttracker/ledger"
)

// schemaVersion is the version of every JSON document porttracker prints;
// it changes when a key is renamed or removed or changes its meaning.
const schemaVersion = 1

// writeJSON writes v, which must encode as a JSON object, as one indented
// document with "schema_version" as its first key.
func writeJSON(w io.Writer, v any) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	body := bytes.TrimSpace(raw.Bytes())
	if len(body) < 2 || body[0] != '{' {
		return errors.New("encode JSON: a command's document must be an object")
	}
	doc := fmt.Appendf(nil, `{"schema_version":%d`, schemaVersion)
	if rest := bytes.TrimSpace(body[1:]); len(rest) > 0 && rest[0] != '}' {
		doc = append(doc, ',')
	}
	doc = append(doc, body[1:]...)
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

// jsonError is the document a refused --json command prints.
type jsonError struct {
	Error jsonErrorBody `json:"error"`
}

type jsonErrorBody struct {
	// Code is "usage" (bad usage or input, exit status 2), "rule" (a rule
	// of the status model refused it), "interrupted", or "failed" (a gate,
	// an audit or anything else, exit status 1).
	Code       string `json:"code"`
	ExitStatus int    `json:"exit_status"`
	Message    string `json:"message"`
	// Rule names the rule a "rule" refusal broke, when it has a name
	// (ledger.RuleCode: "batch_not_started", "item_undefined", ...).
	Rule ledger.RuleCode `json:"rule,omitempty"`
}

// countingWriter remembers whether anything was written through it, so
// that a refused --json command that printed no document prints the error
// document instead, and one that did (an audit with findings) prints no
// second one.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
