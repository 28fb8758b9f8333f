package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// completionShells are the shells completion writes scripts for.
func completionShells() []string { return []string{"bash", "zsh", "fish"} }

func completionCommand() *cli.Command {
	c := &cli.Command{
		Name:  "completion",
		Usage: "print a shell completion script: bash, zsh or fish",
		Description: describe("Prints a script that completes porttracker's commands, subcommands, flags and the values\n"+
			"of enumerated flags (statuses, kinds, formats) in your shell. Load it from your shell's\n"+
			"start-up file.",
			`porttracker completion bash > ~/.local/share/bash-completion/completions/porttracker`,
			`source <(porttracker completion zsh)   # in ~/.zshrc`,
			`porttracker completion fish > ~/.config/fish/completions/porttracker.fish`),
	}
	for _, sh := range completionShells() {
		sh := sh
		c.Subcommands = append(c.Subcommands, &cli.Command{
			Name:        sh,
			Usage:       "print the " + sh + " completion script",
			ArgsUsage:   " ",
			Description: describe("Prints porttracker's completion script for "+sh+".", completionExample(sh)),
			Action: func(c *cli.Context) error {
				if err := args(c, 0, "no arguments"); err != nil {
					return err
				}
				return writeCompletion(c.App.Writer, c.App, sh)
			},
		})
	}
	return c
}

func completionExample(sh string) string {
	switch sh {
	case "bash":
		return "source <(porttracker completion bash)"
	case "zsh":
		return "source <(porttracker completion zsh)"
	}
	return "porttracker completion fish | source"
}

// completionNode is one command of the tree with its path ("feature update").
type completionNode struct {
	path string
	cmd  *cli.Command
}

func completionNodes(app *cli.App) []completionNode {
	var out []completionNode
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Hidden || c.Name == "help" {
				continue
			}
			p := strings.TrimSpace(prefix + " " + c.Name)
			out = append(out, completionNode{p, c})
			walk(p, c.Subcommands)
		}
	}
	walk("", app.Commands)
	return out
}

// words are what may follow a command: its visible subcommands and flags.
func completionWords(cmds []*cli.Command, flags []cli.Flag) []string {
	var w []string
	for _, c := range cmds {
		if !c.Hidden && c.Name != "help" {
			w = append(w, c.Name)
		}
	}
	return append(w, flagNames(flags)...)
}

// uniqueWords drops repeated words, keeping the first of each.
func uniqueWords(words []string) string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func enumValues(f cli.Flag) []string {
	if e, ok := f.(*enumFlag); ok {
		return e.Values
	}
	return nil
}

// writeCompletion writes the completion script for shell.
func writeCompletion(w io.Writer, app *cli.App, shell string) error {
	switch shell {
	case "bash":
		return writeBashCompletion(w, app, false)
	case "zsh":
		return writeBashCompletion(w, app, true)
	case "fish":
		return writeFishCompletion(w, app)
	}
	return usagef("completion: unknown shell %q (want bash, zsh or fish)", shell)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// writeBashCompletion writes a bash script; for zsh, the same script run
// through zsh's bashcompinit.
func writeBashCompletion(w io.Writer, app *cli.App, zsh bool) error {
	var b strings.Builder
	if zsh {
		b.WriteString("#compdef porttracker\n# zsh completion for porttracker: source <(porttracker completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n")
	} else {
		b.WriteString("# bash completion for porttracker: source <(porttracker completion bash)\n")
	}
	nodes := completionNodes(app)
	b.WriteString("_porttracker_words() {\n\tcase \"$1\" in\n")
	fmt.Fprintf(&b, "\t\"\") echo %s ;;\n", shellQuote(uniqueWords(append(completionWords(app.Commands, app.Flags), "--help", "--version"))))
	for _, n := range nodes {
		fmt.Fprintf(&b, "\t%s) echo %s ;;\n", shellQuote(n.path), shellQuote(uniqueWords(append(completionWords(n.cmd.Subcommands, n.cmd.Flags), "--help"))))
	}
	b.WriteString("\t*) return 1 ;;\n\tesac\n}\n")
	// Flags that take a value: the enumerated ones offer their values,
	// the others complete file names.
	b.WriteString("_porttracker_values() {\n\tcase \"$1\" in\n")
	for _, f := range app.Flags {
		if takesValue(f) {
			fmt.Fprintf(&b, "\t*' --%s') echo %s ;;\n", f.Names()[0], shellQuote(strings.Join(enumValues(f), " ")))
		}
	}
	for _, n := range nodes {
		for _, f := range n.cmd.Flags {
			if takesValue(f) {
				fmt.Fprintf(&b, "\t%s) echo %s ;;\n", shellQuote(n.path+" --"+f.Names()[0]), shellQuote(strings.Join(enumValues(f), " ")))
			}
		}
	}
	b.WriteString("\t*) return 1 ;;\n\tesac\n}\n")
	b.WriteString(`_porttracker() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path="" w i values
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in -*) continue ;; esac
		if _porttracker_words "${path:+$path }$w" >/dev/null; then
			path="${path:+$path }$w"
		fi
	done
	if [[ $prev == --* ]] && values=$(_porttracker_values "$path $prev"); then
		if [[ -n $values ]]; then
			COMPREPLY=($(compgen -W "$values" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return 0
	fi
	COMPREPLY=($(compgen -W "$(_porttracker_words "$path")" -- "$cur"))
}
complete -o default -F _porttracker porttracker
`)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFishCompletion(w io.Writer, app *cli.App) error {
	var b strings.Builder
	nodes := completionNodes(app)
	b.WriteString("# fish completion for porttracker: porttracker completion fish | source\n")
	b.WriteString("function __porttracker_path\n\tset -l known")
	for _, n := range nodes {
		b.WriteString(" " + shellQuote(n.path))
	}
	b.WriteString(`
	set -l words (commandline -opc)
	set -e words[1]
	set -l path ''
	for w in $words
		string match -q -- '-*' $w; and continue
		set -l next (string trim -- "$path $w")
		contains -- $next $known; and set path $next
	end
	echo $path
end
complete -c porttracker -f
`)
	flagLine := func(cond string, f cli.Flag) {
		line := "complete -c porttracker"
		if cond != "" {
			line += " -n " + shellQuote(cond)
		}
		line += " -l " + f.Names()[0]
		if vals := enumValues(f); vals != nil {
			line += " -x -a " + shellQuote(strings.Join(vals, " "))
		} else if takesValue(f) {
			line += " -r -F"
		}
		if df, ok := f.(cli.DocGenerationFlag); ok {
			line += " -d " + shellQuote(firstSentence(df.GetUsage()))
		}
		b.WriteString(line + "\n")
	}
	for _, f := range app.Flags {
		flagLine("", f)
	}
	cmdLines := func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Hidden || c.Name == "help" {
				continue
			}
			fmt.Fprintf(&b, "complete -c porttracker -n %s -a %s -d %s\n",
				shellQuote(`test "(__porttracker_path)" = "`+path+`"`), shellQuote(c.Name), shellQuote(firstSentence(c.Usage)))
		}
	}
	cmdLines("", app.Commands)
	for _, n := range nodes {
		cmdLines(n.path, n.cmd.Subcommands)
		for _, f := range n.cmd.Flags {
			flagLine(`test "(__porttracker_path)" = "`+n.path+`"`, f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// firstSentence is the first line of s, cut at its first "; " or ". ".
func firstSentence(s string) string {
	s = oneLine(s)
	for _, sep := range []string{"; ", ". "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return s
}
