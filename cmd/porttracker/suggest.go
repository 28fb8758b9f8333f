package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// suggest returns the candidate closest to word, or "" when none is close
// enough to be what was meant: a prefix of it, or a few edits away.
func suggest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(word, c)
		if strings.HasPrefix(c, word) && len(word) >= 2 {
			d = min(d, 1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(1, min(3, len(word)/3)) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, counting a swap of
// two neighbouring letters as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// commandNames are the visible names of cmds.
func commandNames(cmds []*cli.Command) []string {
	var out []string
	for _, c := range cmds {
		if !c.Hidden {
			out = append(out, c.Names()...)
		}
	}
	return append(out, "help")
}

// flagNames are the long names of flags, with their dashes.
func flagNames(flags ...[]cli.Flag) []string {
	var out []string
	for _, fs := range flags {
		for _, f := range fs {
			for _, n := range f.Names() {
				if len(n) > 1 {
					out = append(out, "--"+n)
				}
			}
		}
	}
	return out
}

// seeAlso is "(see HELP)", or "(did you mean X? see HELP)" when a
// candidate is close to word.
func seeAlso(word string, candidates []string, help string) string {
	if s := suggest(word, candidates); s != "" {
		return "(did you mean " + s + "? see " + help + ")"
	}
	return "(see " + help + ")"
}

// usageErrorFor words a flag error of command c (nil: the app itself) as
// one line: what is wrong, what was probably meant, where help is.
func usageErrorFor(app *cli.App, c *cli.Command) cli.OnUsageErrorFunc {
	return func(_ *cli.Context, err error, _ bool) error {
		name, flags := app.Name, app.Flags
		if c != nil {
			name = c.HelpName
			if name == "" {
				name = app.Name + " " + c.Name
			}
			flags = c.Flags
		}
		msg := err.Error()
		if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			bad = "--" + strings.TrimLeft(bad, "-")
			return usagef("unknown flag %s for %s %s", bad, name, seeAlso(bad, flagNames(flags, app.Flags), name+" --help"))
		}
		return usagef("%s (see %s --help)", oneLine(msg), name)
	}
}
