package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/porttracker/porttracker/internal/gen"
)

// document is what -json prints: the result with its schema version.
type document struct {
	SchemaVersion int `json:"schema_version"`
	*gen.Result
}

// writeJSON writes doc as one indented JSON document.
func writeJSON(w io.Writer, doc document) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return nil
}
