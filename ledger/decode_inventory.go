package ledger

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
)

// Defs are the item and batch definitions of an inventory file or entry.
type Defs struct {
	Features, Tests []ItemDef
	Batches         []BatchDef
}

// DecodeDefs decodes doc, a TOML document of [[feature]], [[test]] and
// [[batchTable]] tables, blank lines and comments, the way an inventory file
// and an inventory entry's definitions are written, without go-toml's
// reflection: an inventory holds up to a million tables. It accepts only a
// plain subset of TOML that it reads exactly as go-toml does (strict,
// decoding into ItemDef and BatchDef): bare keys of the definitions' fields,
// each at most once in a table, basic strings, decimal integers, true and
// false, one-line arrays of integers, comments. On anything else (a key it
// does not know, another table, a literal or multi-line string, a CR, a
// duplicate key, a value of the wrong type) it returns false, and the
// caller decodes the document with DecodeTOML, which accepts it or names
// the problem and its line. decode_inventory_test.go compares the two.
func DecodeDefs(doc, batchTable string) (Defs, bool) {
	var d Defs
	var it *ItemDef
	var b *BatchDef
	var seen uint32
	var last Mapping // the file names read last, which the next item shares
	batchHeader := "[[" + batchTable + "]]"
	for len(doc) > 0 {
		line := doc
		if i := strings.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
		} else {
			doc = ""
		}
		l := trimWS(line)
		if l == "" {
			continue
		}
		switch l[0] {
		case '#':
			if !plainComment(l[1:]) {
				return Defs{}, false
			}
			continue
		case '[':
			h, rest := l, ""
			if i := strings.IndexByte(l, ']'); i >= 0 && i+1 < len(l) && l[i+1] == ']' {
				h, rest = l[:i+2], l[i+2:]
			}
			if !endOfLine(rest) {
				return Defs{}, false
			}
			it, b, seen = nil, nil, 0
			switch h {
			case "[[feature]]":
				d.Features = append(d.Features, ItemDef{})
				it = &d.Features[len(d.Features)-1]
			case "[[test]]":
				d.Tests = append(d.Tests, ItemDef{})
				it = &d.Tests[len(d.Tests)-1]
			case batchHeader:
				d.Batches = append(d.Batches, BatchDef{})
				b = &d.Batches[len(d.Batches)-1]
			default:
				return Defs{}, false
			}
			continue
		}
		key, rest, ok := cutKey(l)
		if !ok {
			return Defs{}, false
		}
		var bit uint32
		switch {
		case it != nil:
			bit, rest, ok = itemValue(it, key, rest)
			sameAsLast(&it.SourceFile, &last.SourceFile)
			sameAsLast(&it.TargetFile, &last.TargetFile)
			sameAsLast(&it.SourceCommit, &last.SourceCommit)
		case b != nil:
			bit, rest, ok = batchValue(b, key, rest)
		}
		if !ok || bit == 0 || seen&bit != 0 || !endOfLine(rest) {
			return Defs{}, false
		}
		seen |= bit
	}
	return d, true
}

// sameAsLast makes *v the string *last holds when they are equal, and
// else remembers *v in *last: the items of one file share one copy of its
// name.
func sameAsLast(v, last *string) {
	if *v == *last {
		*v = *last
	} else if *v != "" {
		*last = *v
	}
}

// itemValue sets the field of it that key names from the value that s
// starts with; it returns the field's bit (0: no such key) and the rest.
func itemValue(it *ItemDef, key, s string) (uint32, string, bool) {
	var str *string
	var num *int
	var bit uint32
	switch key {
	case "id":
		num, bit = &it.ID, 1<<0
	case "source_file":
		str, bit = &it.SourceFile, 1<<1
	case "source_symbol":
		str, bit = &it.SourceSymbol, 1<<2
	case "source_start":
		num, bit = &it.SourceStart, 1<<3
	case "source_end":
		num, bit = &it.SourceEnd, 1<<4
	case "source_commit":
		str, bit = &it.SourceCommit, 1<<5
	case "source_digest":
		str, bit = &it.SourceDigest, 1<<6
	case "target_file":
		str, bit = &it.TargetFile, 1<<7
	case "target_symbol":
		str, bit = &it.TargetSymbol, 1<<8
	case "test_filter":
		str, bit = &it.TestFilter, 1<<9
	case "removed":
		v, rest, ok := cutBool(s)
		it.Removed = v
		return 1 << 10, rest, ok
	default:
		return 0, s, false
	}
	return setValue(str, num, bit, s)
}

// batchValue is itemValue for a batch definition.
func batchValue(b *BatchDef, key, s string) (uint32, string, bool) {
	var str *string
	var num *int
	var bit uint32
	switch key {
	case "id":
		num, bit = &b.ID, 1<<0
	case "name":
		str, bit = &b.Name, 1<<1
	case "features":
		str, bit = &b.Features, 1<<2
	case "tests":
		str, bit = &b.Tests, 1<<3
	case "depends":
		v, rest, ok := cutIntArray(s)
		b.Depends = v
		return 1 << 4, rest, ok
	default:
		return 0, s, false
	}
	return setValue(str, num, bit, s)
}

// setValue reads a string into str or an integer into num.
func setValue(str *string, num *int, bit uint32, s string) (uint32, string, bool) {
	var ok bool
	if str != nil {
		*str, s, ok = cutString(s)
	} else {
		*num, s, ok = cutInt(s)
	}
	return bit, s, ok
}

// trimWS drops TOML whitespace (space, tab) from the start of s.
func trimWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}

// endOfLine says whether s is nothing but whitespace and a comment.
func endOfLine(s string) bool {
	s = trimWS(s)
	return s == "" || (s[0] == '#' && plainComment(s[1:]))
}

// plainComment says whether s may be a comment's text: valid UTF-8 with no
// control character but tab.
func plainComment(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}

// cutKey cuts a bare key and the "=" after it off s.
func cutKey(s string) (key, rest string, ok bool) {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '-') {
		i++
	}
	key, rest = s[:i], trimWS(s[i:])
	if key == "" || rest == "" || rest[0] != '=' {
		return "", s, false
	}
	return key, trimWS(rest[1:]), true
}

// cutInt cuts a decimal integer off s: 0, or a digit other than 0 and up to
// 17 more (no sign, no underscore: those go to the full decoder).
func cutInt(s string) (int, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 18 || (s[0] == '0' && i > 1) || !valueEnd(s[i:]) {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}

// valueEnd says whether a value may end where s starts.
func valueEnd(s string) bool {
	return s == "" || s[0] == ' ' || s[0] == '\t' || s[0] == '#'
}

// cutBool cuts true or false off s.
func cutBool(s string) (bool, string, bool) {
	for _, v := range []bool{true, false} {
		if rest, ok := strings.CutPrefix(s, strconv.FormatBool(v)); ok && valueEnd(rest) {
			return v, rest, true
		}
	}
	return false, s, false
}

// cutIntArray cuts a one-line array of integers ("[]", "[1, 2]") off s.
func cutIntArray(s string) ([]int, string, bool) {
	if s == "" || s[0] != '[' {
		return nil, s, false
	}
	rest := trimWS(s[1:])
	out := []int{}
	if r, ok := strings.CutPrefix(rest, "]"); ok {
		return out, r, true
	}
	for {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 18 || (rest[0] == '0' && i > 1) {
			return nil, s, false
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return nil, s, false
		}
		out = append(out, n)
		rest = trimWS(rest[i:])
		switch {
		case strings.HasPrefix(rest, ","):
			rest = trimWS(rest[1:])
		case strings.HasPrefix(rest, "]"):
			return out, rest[1:], true
		default:
			return nil, s, false
		}
	}
}

// cutString cuts a one-line basic string off s and returns its value, a
// string of its own: a substring would keep the whole document alive for
// as long as any definition read from it (the view's state keeps a
// million of them).
func cutString(s string) (string, string, bool) {
	if len(s) < 2 || s[0] != '"' || strings.HasPrefix(s, `"""`) {
		return "", s, false
	}
	ascii := true
	var buf []byte // the value, once an escape is met
	start := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			val := s[start:i]
			if !ascii && !utf8.ValidString(val) {
				return "", s, false
			}
			if buf != nil {
				val = string(append(buf, val...))
			} else {
				val = strings.Clone(val)
			}
			return val, s[i+1:], true
		case c == '\\':
			if i+1 >= len(s) {
				return "", s, false
			}
			buf = append(buf, s[start:i]...)
			r, n, ok := unescape(s[i+1:])
			if !ok {
				return "", s, false
			}
			buf = utf8.AppendRune(buf, r)
			i += n
			start = i + 1
		case (c < 0x20 && c != '\t') || c == 0x7f:
			return "", s, false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", s, false
}

// unescape reads the escape after a backslash at the start of s: the
// character and how many bytes of s it took.
func unescape(s string) (rune, int, bool) {
	switch s[0] {
	case '"', '\\':
		return rune(s[0]), 1, true
	case 'b':
		return '\b', 1, true
	case 't':
		return '\t', 1, true
	case 'n':
		return '\n', 1, true
	case 'f':
		return '\f', 1, true
	case 'r':
		return '\r', 1, true
	case 'u', 'U':
		n := 4
		if s[0] == 'U' {
			n = 8
		}
		if len(s) < 1+n {
			return 0, 0, false
		}
		v, err := strconv.ParseUint(s[1:1+n], 16, 32)
		if err != nil || strings.ContainsAny(s[1:1+n], "+-_") || !utf8.ValidRune(rune(v)) {
			return 0, 0, false
		}
		return rune(v), 1 + n, true
	}
	return 0, 0, false
}

// decodeInventoryPayload decodes payload, an entry's TOML, through
// DecodeDefs when it is an entry's keys followed by definitions (an
// inventory entry as EncodePayload writes it): the keys before the first
// [[table]] with DecodeTOML, the tables after it with DecodeDefs. It
// returns false when payload is not of that shape, or either part does not
// decode, so that the caller decodes the whole with DecodeTOML (and reports
// its error).
func decodeInventoryPayload(payload []byte, e *Entry) bool {
	doc := string(payload)
	cut := strings.Index(doc, "\n[[")
	if cut < 0 {
		return false
	}
	head, tables := doc[:cut+1], doc[cut+1:]
	defs, ok := DecodeDefs(tables, "batch_def")
	if !ok {
		return false
	}
	// The keys may not define the tables' arrays themselves (feature = [],
	// say, in any case: go-toml matches keys to fields without regard to
	// case), which go-toml would refuse together with the tables.
	var keys map[string]any
	if err := toml.Unmarshal([]byte(head), &keys); err != nil {
		return false
	}
	for k := range keys {
		for _, table := range []string{"feature", "test", "batch_def"} {
			if strings.EqualFold(k, table) {
				return false
			}
		}
	}
	var h Entry
	if err := DecodeTOML([]byte(head), &h); err != nil || h.Features != nil || h.Tests != nil || h.Batches != nil {
		return false
	}
	h.Features, h.Tests, h.Batches = defs.Features, defs.Tests, defs.Batches
	*e = h
	return true
}
