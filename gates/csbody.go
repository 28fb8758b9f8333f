package gates

import "github.com/porttracker/porttracker/gates/csharp"

// findCSharp finds the body of Class.Method (or a longer qualified name) in
// a C# source with the C# front end, and judges it.
func findCSharp(file string, src []byte, symbol string) (member, error) {
	m, err := csharp.Find(src, symbol)
	if err != nil {
		return member{}, err
	}
	return member{body: m.Body, line: m.Line, checks: csChecks(file, m)}, nil
}
