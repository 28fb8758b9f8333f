package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"go/scanner"
	"go/token"
)

// span is the byte range of one declaration and the offset of its name.
type span struct {
	start, end, name int
}

// digests computes the digest of each span of src in one pass of the
// scanner. Spans must be ordered and must not overlap, as the top-level
// declarations of a file are. Tokens are written one per line, so layout
// does not count; comments, automatic semicolons and the name token are
// left out.
func digests(src []byte, spans []span) []string {
	out := make([]string, len(spans))
	if len(spans) == 0 {
		return out
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var buf []byte
	i := 0
	finish := func() {
		sum := sha256.Sum256(buf)
		out[i] = "sha256:" + hex.EncodeToString(sum[:])
		buf = buf[:0]
		i++
	}
	for i < len(spans) {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		for i < len(spans) && off >= spans[i].end {
			finish()
		}
		if i >= len(spans) || off < spans[i].start || off == spans[i].name || (tok == token.SEMICOLON && lit == "\n") {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		buf = append(buf, lit...)
		buf = append(buf, '\n')
	}
	for i < len(spans) {
		finish()
	}
	return out
}
