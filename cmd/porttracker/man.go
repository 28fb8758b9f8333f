package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the manual page (roff) of porttracker and every command",
		ArgsUsage: " ",
		Description: describe("Prints porttracker(1) in roff: every command with its description, options and\n"+
			"examples, the global options, the exit statuses, the environment and the files.",
			"porttracker man | man -l -",
			"porttracker man > ~/.local/share/man/man1/porttracker.1"),
		Action: func(c *cli.Context) error {
			if err := args(c, 0, "no arguments"); err != nil {
				return err
			}
			return writeMan(c.App.Writer, c.App)
		},
	}
}

// roff escapes text for a roff line: backslashes, and a leading dot or
// quote that would make it a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffBlock writes prose lines, keeping its line breaks.
func roffBlock(b *strings.Builder, text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.TrimSpace(line) == "" {
			b.WriteString(".PP\n")
			continue
		}
		b.WriteString(roff(strings.TrimSpace(line)) + "\n.br\n")
	}
}

func roffFlags(b *strings.Builder, flags []cli.Flag) {
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		names := make([]string, 0, 2)
		for _, n := range f.Names() {
			if len(n) == 1 {
				names = append(names, `\fB\-`+n+`\fR`)
			} else {
				names = append(names, `\fB\-\-`+n+`\fR`)
			}
		}
		head := strings.Join(names, ", ")
		if takesValue(f) {
			head += ` \fIvalue\fR`
		}
		b.WriteString(".TP\n" + head + "\n")
		usage := ""
		if df, ok := f.(cli.DocGenerationFlag); ok {
			usage = df.GetUsage()
			if bf, isBool := f.(*cli.BoolFlag); !isBool || !bf.DisableDefaultText {
				if d := df.GetDefaultText(); d != "" && d != `""` {
					usage += " (default: " + d + ")"
				}
			}
		}
		b.WriteString(roff(oneLine(usage)) + "\n")
	}
}

// writeMan writes the manual page of app in roff.
func writeMan(w io.Writer, app *cli.App) error {
	var b strings.Builder
	b.WriteString(".TH PORTTRACKER 1 \"\" \"porttracker " + roff(strings.Fields(app.Version + " devel")[0]) + "\" \"User Commands\"\n")
	b.WriteString(".SH NAME\nporttracker \\- " + roff(app.Usage) + "\n")
	b.WriteString(".SH SYNOPSIS\n\\fBporttracker\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR...]\n")
	b.WriteString(".SH DESCRIPTION\n")
	roffBlock(&b, "porttracker tracks a large code port: every status move of a source function (feature) or\n"+
		"test is a signed TOML entry on the porting-ledger branch, earned by gates porttracker runs itself.\n"+
		"Flags may follow a command's arguments. porttracker help COMMAND [SUBCOMMAND] shows one command's page.")
	b.WriteString(".SH GLOBAL OPTIONS\n")
	roffFlags(&b, app.Flags)
	b.WriteString(".SH COMMANDS\n")
	for _, n := range completionNodes(app) {
		c := n.cmd
		fmt.Fprintf(&b, ".SS \"porttracker %s", roff(n.path))
		if c.ArgsUsage != "" && strings.TrimSpace(c.ArgsUsage) != "" {
			b.WriteString(" " + roff(c.ArgsUsage))
		}
		b.WriteString("\"\n")
		roffBlock(&b, c.Usage)
		prose, examples := splitDescription(c.Description)
		if prose != "" {
			b.WriteString(".PP\n")
			roffBlock(&b, prose)
		}
		if len(c.Flags) > 0 {
			b.WriteString(".PP\nOptions:\n.RS\n")
			roffFlags(&b, c.Flags)
			b.WriteString(".RE\n")
		}
		if len(examples) > 0 {
			b.WriteString(".PP\nExamples:\n.RS\n.nf\n")
			for _, ex := range examples {
				b.WriteString(roff(ex) + "\n")
			}
			b.WriteString(".fi\n.RE\n")
		}
	}
	b.WriteString(".SH EXIT STATUS\n.TP\n0\ndone\n.TP\n1\na gate, rule or audit failed; nothing was written\n.TP\n2\nbad usage or input; nothing was written\n")
	b.WriteString(".SH ENVIRONMENT\n.TP\nPAGER\nthe pager for long output on a terminal (default less, with LESS=FRX); cat or empty: none\n" +
		".TP\nNO_COLOR\nwhen set and not empty, no colour even on a terminal\n.TP\nSSH_AUTH_SOCK\nthe ssh\\-agent that may hold the signing key\n")
	b.WriteString(".SH FILES\n.TP\nporttracker.toml\nthe configuration at the repository's root (porttracker init writes a commented one)\n" +
		".TP\nporting.db\nthe SQLite view, rebuilt from the ledger at any time\n")
	b.WriteString(".SH SEE ALSO\n\\fBgit\\fR(1), \\fBssh\\-keygen\\fR(1), \\fBsqlite3\\fR(1)\n")
	_, err := io.WriteString(w, b.String())
	return err
}
