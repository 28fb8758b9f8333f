package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ErrUnknownKey is wrapped by the error of a TOML document with a key that
// its target has no field for.
var ErrUnknownKey = errors.New("unknown key")

// DecodeTOML decodes the TOML document data into v strictly: a key that v
// has no field for is an error that names it (ErrUnknownKey), and a syntax
// or type error names its line. It is the one TOML decoder of entries and
// inventory files: both can hold hundreds of thousands of tables.
func DecodeTOML(data []byte, v any) error {
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(v)
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		row, _ := e.Position()
		return fmt.Errorf("%w %s (line %d)", ErrUnknownKey, strings.Join(e.Key(), "."), row)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Errorf("line %d, column %d: %s", row, col, strings.TrimPrefix(de.Error(), "toml: "))
	}
	return err
}
