package ledger

import (
	"bytes"
	"strconv"
)

// inventoryOnly reports an entry whose only tables are the item and batch
// definitions of an inventory entry, which appendDefs writes.
func (e *Entry) inventoryOnly() bool {
	return len(e.Moves) == 0 && e.Plan == nil && e.Task == nil && e.BaselineRun == nil && e.Red == nil &&
		e.Evidence == nil && e.Policy == nil && e.Resolution == nil
}

// appendDefs writes an inventory entry's [[feature]], [[test]] and
// [[batch_def]] tables byte for byte as the TOML encoder writes them
// (BurntSushi/toml: a blank line and the header, then each key that is set
// indented by two spaces, in the order of the struct's fields, embedded
// Mapping flattened; omitempty and omitzero keys left out when empty), so
// that an entry written by either reads and verifies the same. An inventory
// entry can hold hundreds of thousands of definitions; the reflection of
// the general encoder costs more than the signing of them.
// encode_inventory_test.go compares the two on generated and fuzzed input.
func appendDefs(b []byte, e *Entry) []byte {
	for _, list := range []struct {
		table string
		defs  []ItemDef
	}{{"feature", e.Features}, {"test", e.Tests}} {
		for _, d := range list.defs {
			b = append(b, "\n[["...)
			b = append(b, list.table...)
			b = append(b, "]]\n"...)
			b = appendInt(b, "id", d.ID)
			b = appendString(b, "source_file", d.SourceFile)
			b = appendString(b, "source_symbol", d.SourceSymbol)
			b = appendNonZero(b, "source_start", d.SourceStart)
			b = appendNonZero(b, "source_end", d.SourceEnd)
			b = appendString(b, "source_commit", d.SourceCommit)
			b = appendString(b, "source_digest", d.SourceDigest)
			b = appendString(b, "target_file", d.TargetFile)
			b = appendString(b, "target_symbol", d.TargetSymbol)
			b = appendString(b, "test_filter", d.TestFilter)
			if d.Removed {
				b = append(b, "  removed = true\n"...)
			}
		}
	}
	for _, d := range e.Batches {
		b = append(b, "\n[[batch_def]]\n"...)
		b = appendInt(b, "id", d.ID)
		b = append(b, "  name = "...)
		b = appendQuoted(b, d.Name)
		b = append(b, '\n')
		if len(d.Depends) > 0 {
			b = append(b, "  depends = ["...)
			for i, dep := range d.Depends {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = strconv.AppendInt(b, int64(dep), 10)
			}
			b = append(b, "]\n"...)
		}
		b = appendString(b, "features", d.Features)
		b = appendString(b, "tests", d.Tests)
	}
	return b
}

// appendInt writes "  key = n".
func appendInt(b []byte, key string, n int) []byte {
	b = append(b, "  "...)
	b = append(b, key...)
	b = append(b, " = "...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\n')
}

// appendNonZero writes "  key = n" unless n is zero (omitzero).
func appendNonZero(b []byte, key string, n int) []byte {
	if n == 0 {
		return b
	}
	return appendInt(b, key, n)
}

// appendString writes `  key = "s"` unless s is empty (omitempty).
func appendString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, "  "...)
	b = append(b, key...)
	b = append(b, " = "...)
	b = appendQuoted(b, s)
	return append(b, '\n')
}

// appendQuoted writes s as a TOML basic string the way the encoder does:
// quote and backslash escaped, \b \t \n \f \r short, every other control
// byte (and DEL) as \u00XX, all other bytes as they are.
func appendQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\b':
			esc = `\b`
		case c == '\t':
			esc = `\t`
		case c == '\n':
			esc = `\n`
		case c == '\f':
			esc = `\f`
		case c == '\r':
			esc = `\r`
		case c < 0x20 || c == 0x7f:
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			start = i + 1
			continue
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// encodeInventory encodes an inventory-only entry: its keys through the
// TOML encoder, its definitions through appendDefs.
func encodeInventory(buf *bytes.Buffer, e *Entry) error {
	head := *e
	head.Features, head.Tests, head.Batches = nil, nil, nil
	if err := encodeTOML(buf, &head); err != nil {
		return err
	}
	buf.Write(appendDefs(buf.AvailableBuffer(), e))
	return nil
}
