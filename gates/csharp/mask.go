package csharp

// Mask returns a copy of a C# source in which comments and
// preprocessor lines are replaced by spaces, and so are the contents of
// string and character literals (regular, verbatim, interpolated and raw),
// whose prefix ($, @) and outer quotes are kept: "abc" becomes "   ", so a
// literal can still be told from no code at all. Newlines and byte offsets
// are kept, so that structure (braces, parentheses, names) can be found in
// the copy and the text taken from the original.
func Mask(src []byte) []byte {
	m := &masker{src: src, out: append([]byte(nil), src...)}
	m.code(0, false)
	return m.out
}

// masker scans C# source; out is the masked copy.
type masker struct {
	src, out []byte
}

// blank masks src[from:to], keeping newlines.
func (m *masker) blank(from, to int) {
	to = min(to, len(m.out))
	for i := from; i < to; i++ {
		if m.out[i] != '\n' {
			m.out[i] = ' '
		}
	}
}

// at reports the byte at i, or 0 past the end.
func (m *masker) at(i int) byte {
	if i >= 0 && i < len(m.src) {
		return m.src[i]
	}
	return 0
}

// code scans code from i. In an interpolation hole it stops at the closing
// brace and returns its index; otherwise it returns len(src).
func (m *masker) code(i int, hole bool) int {
	depth := 0
	for i < len(m.src) {
		c := m.src[i]
		switch {
		case c == '/' && m.at(i+1) == '/':
			i = m.skipTo(i, "\n", false)
		case c == '/' && m.at(i+1) == '*':
			i = m.skipTo(i, "*/", true)
		case c == '#' && !hole && m.lineStart(i):
			i = m.skipTo(i, "\n", false)
		case c == '\'':
			i = m.char(i)
		case c == '"' || ((c == '$' || c == '@') && m.stringPrefix(i) > 0):
			i = m.str(i)
		case c == '{':
			depth++
			i++
		case c == '}':
			if hole && depth == 0 {
				return i
			}
			depth--
			i++
		default:
			i++
		}
	}
	return i
}

// lineStart reports whether only blanks precede i on its line.
func (m *masker) lineStart(i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch m.src[j] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}

// skipTo masks from i through the end marker (included when inclusive) and
// returns the index after it.
func (m *masker) skipTo(i int, end string, inclusive bool) int {
	j := i + 2
	for j < len(m.src) && !hasAt(m.src, j, end) {
		j++
	}
	if inclusive && j < len(m.src) {
		j += len(end)
	}
	m.blank(i, j)
	return j
}

func hasAt(b []byte, i int, s string) bool {
	return i+len(s) <= len(b) && string(b[i:i+len(s)]) == s
}

// char masks a character literal starting at i.
func (m *masker) char(i int) int {
	j := i + 1
	for j < len(m.src) && m.src[j] != '\'' && m.src[j] != '\n' {
		if m.src[j] == '\\' {
			j++
		}
		j++
	}
	j = min(j+1, len(m.src))
	m.blankInside(i, j)
	return j
}

// blankInside masks a literal src[from:to] but keeps its first and last
// byte when they are quotes.
func (m *masker) blankInside(from, to int) {
	m.blank(from, to)
	for _, k := range []int{from, to - 1} {
		if k >= from && k < len(m.src) && (m.src[k] == '"' || m.src[k] == '\'') {
			m.out[k] = m.src[k]
		}
	}
}

// stringPrefix returns the length of a run of $ and @ at i that is followed
// by a double quote, or 0.
func (m *masker) stringPrefix(i int) int {
	j := i
	for m.at(j) == '$' || m.at(j) == '@' {
		j++
	}
	if m.at(j) != '"' {
		return 0
	}
	return j - i
}

// str masks a string literal starting at i (at its prefix or its quote) and
// returns the index after it.
func (m *masker) str(i int) int {
	n := m.stringPrefix(i)
	verbatim, interp := false, false
	for _, c := range m.src[i : i+n] {
		verbatim = verbatim || c == '@'
		interp = interp || c == '$'
	}
	q := i + n
	quotes := 0
	for m.at(q+quotes) == '"' {
		quotes++
	}
	var end int
	switch {
	case quotes >= 3 && !verbatim:
		end = m.raw(q+quotes, quotes)
	case quotes == 2 && !verbatim:
		end = q + 2 // ""
	default:
		end = m.quoted(q+1, verbatim, interp)
	}
	m.blankInside(q, end)
	return end
}

// raw finds the end of a raw string whose content starts at j and which is
// closed by quotes double quotes.
func (m *masker) raw(j, quotes int) int {
	for j < len(m.src) {
		if m.src[j] != '"' {
			j++
			continue
		}
		k := j
		for k < len(m.src) && m.src[k] == '"' {
			k++
		}
		if k-j >= quotes {
			return k
		}
		j = k
	}
	return j
}

// quoted finds the end of a regular or verbatim string whose content starts
// at j, descending into interpolation holes.
func (m *masker) quoted(j int, verbatim, interp bool) int {
	for j < len(m.src) {
		c := m.src[j]
		switch {
		case c == '"':
			if verbatim && m.at(j+1) == '"' {
				j += 2
				continue
			}
			return j + 1
		case c == '\\' && !verbatim:
			j += 2
		case c == '\n' && !verbatim && !interp:
			return j
		case interp && c == '{' && m.at(j+1) == '{':
			j += 2
		case interp && c == '{':
			j = m.code(j+1, true) + 1
		default:
			j++
		}
	}
	return min(j, len(m.src))
}
