package gates

import (
	"slices"
	"strings"
	"testing"
)

// Marker words are split so that this file does not trip its own scan.
const (
	todo        = "TO" + "DO"
	placeholder = "PLACE" + "HOLDER"
)

func patternNames(t *testing.T, lang, line string) []string {
	t.Helper()
	pats, err := Patterns(lang, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ScanText("f", 1, line, pats) {
		names = append(names, m.Pattern)
	}
	return names
}

func TestCSharpPreset(t *testing.T) {
	tests := []struct {
		line string
		want string // "" for no match
	}{
		{`throw new NotImplementedException();`, "NotImplementedException"},
		{`x++; // ` + todo + `: finish`, "TODO marker"},
		{`//` + todo, "TODO marker"},
		{`// ` + placeholder, "PLACEHOLDER marker"},
		{`Assert.True(true);`, "Assert.True(true)"},
		{`Assert.True( true );`, "Assert.True(true)"},
		{`Assert.Pass();`, "Assert.Pass"},
		{`true.ShouldBe(true);`, "tautological ShouldBe"},
		{`false.ShouldBe(false);`, "tautological ShouldBe"},
		{`true.ShouldBeTrue();`, "tautological ShouldBe"},
		{`1.ShouldBe(1);`, "tautological ShouldBe"},
		{`Assert.False(false);`, "tautological ShouldBe"},
		{`public int Count() => default;`, "=> default;"},
		{`public string Name => null;`, "=> null;"},
		{`    return null;`, "return null;"},
		{`return null;  `, "return null;"},
		{`return 0;`, "return 0;"},
		{`return false;`, "return false;"},
		{`return string.Empty;`, "return string.Empty;"},
		{`return "";`, "return string.Empty;"},
		{`catch (Exception) { }`, "empty catch"},
		// Legitimate code.
		{`result.ShouldBe(true);`, ""},
		{`server.IsRunning.ShouldBeTrue();`, ""},
		{`Assert.True(ok);`, ""},
		{`return null ?? fallback;`, ""},
		{`return 0x10;`, ""},
		{`return falseValue;`, ""},
		{`return x == 0 ? null : y; // fine`, ""},
		{`var todoList = new List<string>();`, ""},
		{`catch (IOException e) { log(e); }`, ""},
	}
	for _, tt := range tests {
		got := patternNames(t, CSharp, tt.line)
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("%q matched %v, want no match", tt.line, got)
		case tt.want != "" && !slices.Contains(got, tt.want):
			t.Errorf("%q matched %v, want %q", tt.line, got, tt.want)
		}
	}
}

func TestGoPreset(t *testing.T) {
	q := `"`
	tests := []struct {
		line string
		want string
	}{
		{`panic(` + q + `not implemented` + q + `)`, "panic(not implemented)"},
		{`panic(` + q + `unimplemented` + q + `)`, "panic(not implemented)"},
		{`panic(` + q + todo + q + `)`, "panic(not implemented)"},
		{`panic(` + q + `Not yet implemented: Foo` + q + `)`, "panic(not implemented)"},
		{`return errors.New(` + q + `not implemented` + q + `)`, "not implemented error"},
		{`x := 1 // ` + todo, "TODO marker"},
		{`// ` + placeholder, "PLACEHOLDER marker"},
		{`t.Skip` + `()`, "t.Skip without reason"},
		{`t.SkipNow` + `()`, "t.Skip without reason"},
		{`assert.True(t, ` + `true)`, "tautological assertion"},
		// Legitimate code.
		{`panic(fmt.Sprintf("bad state %d", s))`, ""},
		{`t.Skip("needs a cluster")`, ""},
		{`return nil`, ""},
		{`assert.True(t, ok)`, ""},
	}
	for _, tt := range tests {
		got := patternNames(t, Go, tt.line)
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("%q matched %v, want no match", tt.line, got)
		case tt.want != "" && !slices.Contains(got, tt.want):
			t.Errorf("%q matched %v, want %q", tt.line, got, tt.want)
		}
	}
}

func TestPatternsExtraReplaceAndErrors(t *testing.T) {
	base, err := Patterns(CSharp, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ext, err := Patterns(CSharp, []string{`\blater\b`}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ext) != len(base)+1 || ext[len(ext)-1].Name != `\blater\b` {
		t.Errorf("extended preset has %d patterns (last %q), want %d ending with the extra", len(ext), ext[len(ext)-1].Name, len(base)+1)
	}
	only, err := Patterns(Go, []string{`XXX`}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 1 || only[0].Name != "XXX" {
		t.Errorf("replace gave %v, want only XXX", only)
	}
	_, err = Patterns(Go, []string{`ok`, `(unclosed`}, false)
	if err == nil || !strings.Contains(err.Error(), "(unclosed") {
		t.Errorf("bad pattern: error %v, want one naming (unclosed", err)
	}
	if _, err := Patterns("cobol", nil, false); err == nil {
		t.Error("Patterns accepted an unknown language")
	}
}

func TestScanTextLinesAndString(t *testing.T) {
	pats, err := Patterns(CSharp, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	text := "int a = 1;\r\n  return 0;\r\nreturn a;\n throw new NotImplementedException();"
	got := ScanText("Calc.cs", 40, text, pats)
	want := []string{"Calc.cs:41: return 0;", "Calc.cs:43: NotImplementedException"}
	if !slices.Equal(Strings(got), want) {
		t.Errorf("ScanText = %v, want %v", Strings(got), want)
	}
	if got[0].Text != "return 0;" {
		t.Errorf("Text = %q, want the trimmed line", got[0].Text)
	}
	if s := (Match{File: "a.cs", Pattern: "mapped file not found"}).String(); s != "a.cs: mapped file not found" {
		t.Errorf("String of a file-level match = %q", s)
	}
}

func TestOwnSourcesAreClean(t *testing.T) {
	pats, err := Patterns(Go, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	// The whole module, not only this package: porttracker passes its own scan.
	ms, err := ScanPaths([]string{".."}, pats, Exts(Go))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) > 0 {
		t.Errorf("porttracker trips its own stub scan:\n%s", strings.Join(Strings(ms), "\n"))
	}
}

func FuzzScanText(f *testing.F) {
	f.Add("return null;\n// "+todo, 1)
	f.Add("\r\n\n\x00", -5)
	f.Add("panic(\"not implemented\")", 1<<30)
	cs, err := Patterns(CSharp, nil, false)
	if err != nil {
		f.Fatal(err)
	}
	g, err := Patterns(Go, nil, false)
	if err != nil {
		f.Fatal(err)
	}
	pats := append(cs, g...)
	f.Fuzz(func(t *testing.T, text string, first int) {
		ms := ScanText("f", first, text, pats)
		lines := strings.Count(text, "\n") + 1
		for _, m := range ms {
			if m.Line-first < 0 || m.Line-first >= lines {
				t.Fatalf("match on line %d outside %d lines from %d", m.Line, lines, first)
			}
		}
	})
}
