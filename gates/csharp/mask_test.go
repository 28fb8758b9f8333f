package csharp

import "testing"

// TestMask: comments, preprocessor lines and the contents of every kind of
// literal are blanked, their prefixes and quotes kept, and code, newlines
// and offsets left as they are.
func TestMask(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"line comment", "int a; // b { c\nint d;", "int a;         \nint d;"},
		{"block comment", "a /* { } */ b", "a           b"},
		{"block comment over lines", "a /* x\ny */ b", "a     \n     b"},
		{"regular string", `s = "a{b}\"c";`, `s = "       ";`},
		{"verbatim string", `s = @"a\""b{";`, `s = @"      ";`},
		{"interpolated string", `s = $"x{y}z";`, `s = $"     ";`},
		{"character", `c = '{'; d = '\'';`, `c = ' '; d = '  ';`},
		{"raw string", `s = """a "b" {c}""";`, `s = "             ";`},
		{"preprocessor line", "#if DEBUG\nint a;\n#endif\n", "         \nint a;\n      \n"},
		{"code untouched", "class A { void M() { return; } }", "class A { void M() { return; } }"},
		{"a comment marker in a string", `s = "// no"; int a;`, `s = "     "; int a;`},
		{"a quote in a comment", "// it's\nint a;", "       \nint a;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Mask([]byte(tc.src))
			if string(got) != tc.want {
				t.Errorf("Mask(%q)\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

// checkMask holds Mask's promises on any input: the same length, the
// newlines where they were, and only blanks where it changed a byte.
func checkMask(t *testing.T, src []byte) {
	t.Helper()
	m := Mask(src)
	if len(m) != len(src) {
		t.Fatalf("masked length %d, source %d", len(m), len(src))
	}
	for i := range src {
		if (src[i] == '\n') != (m[i] == '\n') {
			t.Fatalf("newline moved at offset %d", i)
		}
		if m[i] != src[i] && m[i] != ' ' {
			t.Fatalf("offset %d became %q, not a blank", i, m[i])
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"class A { void M() { var s = \"}\"; } }",
		"/* unterminated",
		"s = @\"a\"\"b\";",
		"s = $\"{(x ? \"a\" : \"b\")}\";",
		"s = \"\"\"\n  raw { }\n  \"\"\";",
		"c = '\\u0041';",
		"#region R\nclass A {}\n#endregion",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkMask(t, []byte(src))
	})
}
