package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/ledger"
)

// examplesHeading starts the examples at the end of a command's
// Description; describe writes it, the help, the man page and the
// conventions test read it.
const examplesHeading = "Examples:"

// describe is a command's Description: what it does, then at least one
// example command line (each a full "porttracker ..." line, optionally
// followed by "  # a comment").
func describe(text string, examples ...string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(text))
	if len(examples) > 0 {
		b.WriteString("\n\n" + examplesHeading + "\n")
		for _, ex := range examples {
			b.WriteString("  " + ex + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// splitDescription parses what describe wrote into the prose and the
// example lines (without their comments).
func splitDescription(d string) (prose string, examples []string) {
	prose, ex, _ := strings.Cut(d, "\n\n"+examplesHeading+"\n")
	for _, line := range strings.Split(ex, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i := strings.Index(line, "  #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		examples = append(examples, line)
	}
	return strings.TrimSpace(prose), examples
}

// commandHelpTemplate is the help page of every command: urfave's, with
// the global options after the command's own (globalFlagsMark is replaced
// by them) and the exit statuses.
const commandHelpTemplate = `NAME:
   {{template "helpNameTemplate" .}}

USAGE:
   {{template "usageTemplate" .}}{{if .Description}}

DESCRIPTION:
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

COMMANDS:{{template "visibleCommandTemplate" .}}{{end}}{{if .VisibleFlags}}

OPTIONS:{{template "visibleFlagTemplate" .}}{{end}}

GLOBAL OPTIONS:` + globalFlagsMark + `

EXIT STATUS:
   0 done; 1 a gate, rule or audit failed; 2 bad usage or input.
`

const globalFlagsMark = "\x00global-flags\x00"

// globalFlagsText renders the app's flags as the help lists them.
func globalFlagsText(flags []cli.Flag) string {
	var b strings.Builder
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		// Braces would start a template action.
		s := strings.NewReplacer("{{", "{ {", "}}", "} }").Replace(f.String())
		b.WriteString("\n   " + strings.ReplaceAll(s, "\n", "\n      "))
	}
	return b.String()
}

// applyConventions gives every command of the tree what the conventions
// ask for and the helpers cannot: its help page with the global flags,
// usage errors with a suggestion, and no "(default: false)" on switches.
func applyConventions(app *cli.App) {
	for _, f := range app.Flags {
		if bf, ok := f.(*cli.BoolFlag); ok {
			bf.DisableDefaultText = true
		}
	}
	tmpl := strings.Replace(commandHelpTemplate, globalFlagsMark, globalFlagsText(app.Flags), 1)
	var walk func(cmds []*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.CustomHelpTemplate = tmpl
			c.OnUsageError = usageErrorFor(app, c)
			// A command without subcommands lists none, not "help".
			c.HideHelpCommand = len(c.Subcommands) == 0
			for _, f := range c.Flags {
				if bf, ok := f.(*cli.BoolFlag); ok {
					bf.DisableDefaultText = true
				}
			}
			walk(c.Subcommands)
		}
	}
	walk(app.Commands)
	app.OnUsageError = usageErrorFor(app, nil)
}

// helpArgs turns "help CMD [SUB...]" into "CMD [SUB...] --help", so that
// help shows the page of the command named, however deep.
func helpArgs(app *cli.App, args []string) []string {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if f := findFlag(app.Flags, strings.TrimLeft(a, "-")); f != nil && takesValue(f) && !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		if a != "help" && a != "h" || i+1 >= len(args) {
			return args
		}
		out := append([]string{}, args[:i]...)
		out = append(out, args[i+1:]...)
		return append(out, "--help")
	}
	return args
}

// enumFlag is a string flag that takes one of a fixed set of values: its
// help lists them, completion offers them, and enumValue checks them.
type enumFlag struct {
	cli.StringFlag
	Values []string
}

// newEnumFlag makes an enumerated flag; usage says what it is for, and the
// valid values are added to it.
func newEnumFlag(name, usage string, values ...string) *enumFlag {
	return &enumFlag{StringFlag: cli.StringFlag{Name: name, Usage: usage + " (one of: " + strings.Join(values, ", ") + ")"}, Values: values}
}

// enumValue is the value of the command's enumerated flag name, "" when
// not given, or a usage error naming the valid values.
func enumValue(c *cli.Context, name string) (string, error) {
	var f *enumFlag
	for _, fl := range c.Command.Flags {
		if e, ok := fl.(*enumFlag); ok && e.Name == name {
			f = e
		}
	}
	v := c.String(name)
	if f == nil || v == "" && !c.IsSet(name) {
		return v, nil
	}
	for _, ok := range f.Values {
		if v == ok {
			return v, nil
		}
	}
	return "", usagef("--%s %q: want one of %s (see %s --help)", name, v, strings.Join(f.Values, ", "), c.Command.HelpName)
}

// statusValues are the statuses an item can have, in their order.
func statusValues() []string {
	return []string{string(ledger.NotStarted), string(ledger.Stub), string(ledger.Complete), string(ledger.Verified), string(ledger.Deferred)}
}
