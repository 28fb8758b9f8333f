package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// normalizeArgs lets flags stand anywhere on the command line, as the plan
// writes them ("feature show 1636 --db porting.db"): urfave/cli stops at
// the first positional argument, so the flags are moved in front of the
// positional ones, and the global flags in front of the command.
func normalizeArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var global, path, local, positional []string
	cmds := app.Commands
	var chain []*cli.Command
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			name, hasValue := flagName(a)
			if f := findFlag(app.Flags, name); f != nil {
				global = append(global, a)
				if !hasValue && takesValue(f) && i+1 < len(rest) {
					i++
					global = append(global, rest[i])
				}
				continue
			}
			local = append(local, a)
			if f := findChainFlag(chain, name); f != nil && !hasValue && takesValue(f) && i+1 < len(rest) {
				i++
				local = append(local, rest[i])
			}
			continue
		}
		if len(positional) == 0 {
			if c := findCommand(cmds, a); c != nil {
				path = append(path, a)
				chain = append(chain, c)
				cmds = c.Subcommands
				continue
			}
		}
		positional = append(positional, a)
	}
	out := append([]string{args[0]}, global...)
	out = append(out, path...)
	out = append(out, local...)
	return append(out, positional...)
}

func flagName(a string) (string, bool) {
	name := strings.TrimLeft(a, "-")
	if n, _, ok := strings.Cut(name, "="); ok {
		return n, true
	}
	return name, false
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

func findChainFlag(chain []*cli.Command, name string) cli.Flag {
	for i := len(chain) - 1; i >= 0; i-- {
		if f := findFlag(chain[i].Flags, name); f != nil {
			return f
		}
	}
	return nil
}

func takesValue(f cli.Flag) bool {
	_, isBool := f.(*cli.BoolFlag)
	return !isBool
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// unknownCommand refuses the first word of the command line that names no
// command where one is expected (a misspelt command or subcommand),
// suggesting the one probably meant.
func unknownCommand(app *cli.App, args []string) error {
	cmds := app.Commands
	path := app.Name
	for i := 1; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if f := findFlag(app.Flags, strings.TrimLeft(a, "-")); f != nil && takesValue(f) && !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		if a == "help" || a == "h" {
			return nil
		}
		c := findCommand(cmds, a)
		if c == nil {
			if len(cmds) > 0 {
				return usagef("unknown command %q %s", a, seeAlso(a, commandNames(cmds), path+" help"))
			}
			return nil
		}
		if len(c.Subcommands) == 0 {
			return nil
		}
		path += " " + c.Name
		cmds = c.Subcommands
	}
	return nil
}

// globalSet reports whether the boolean global flag name is set on the
// command line (after normalizeArgs, global flags come first).
func globalSet(app *cli.App, args []string, name string) bool {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "--" {
			return false
		}
		n, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if n == name {
			return !hasValue || v == "true" || v == "1"
		}
		if f := findFlag(app.Flags, n); f != nil && takesValue(f) && !hasValue {
			i++
		}
	}
	return false
}
