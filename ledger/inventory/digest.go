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

// digests computes the digest of each span of src. Spans must be ordered
// and must not overlap, as the top-level declarations of a file are. Tokens
// are written one per line, so layout does not count; comments, automatic
// semicolons and the name token are left out.
//
// Each span is scanned on its own: the scanner's tokens from a func
// keyword on do not depend on what came before it (the keyword leaves no
// semicolon to insert), and the semicolon a scan of the span alone adds at
// its end is an automatic one, as the newline after a whole file's closing
// brace gives. So the digests are those of a scan of the whole file
// (digestsWhole in the tests, which FuzzScanFile holds them to), without
// scanning what lies between the declarations.
func digests(src []byte, spans []span) []string {
	out := make([]string, len(spans))
	fset := token.NewFileSet()
	var buf []byte
	for i, sp := range spans {
		part := src[sp.start:sp.end]
		file := fset.AddFile("", -1, len(part))
		var s scanner.Scanner
		s.Init(file, part, nil, 0)
		buf = buf[:0]
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if file.Offset(pos) == sp.name-sp.start || (tok == token.SEMICOLON && lit == "\n") {
				continue
			}
			if lit == "" {
				lit = tok.String()
			}
			buf = append(buf, lit...)
			buf = append(buf, '\n')
		}
		sum := sha256.Sum256(buf)
		out[i] = "sha256:" + hex.EncodeToString(sum[:])
	}
	return out
}
