package gates

import "strings"

// FilterEnv is the environment variable through which a gate command
// receives its filter.
const FilterEnv = "PORTTRACKER_FILTER"

// filterToken is what a gate command writes where the filter goes.
const filterToken = "{filter}"

// The shell quoting contexts that SubstituteFilter tracks.
const (
	unquoted = iota
	singleQuoted
	doubleQuoted
)

// quoteFrame is one level of shell quoting: a quoted string, or the
// unquoted text of the command or of a $(...) substitution.
type quoteFrame struct {
	ctx   int
	sub   bool // an unquoted $(...) substitution
	depth int  // open parentheses inside a substitution
}

// SubstituteFilter replaces each {filter} in a shell command by an expansion
// of $PORTTRACKER_FILTER that is quoted for its place in the command:
// "${PORTTRACKER_FILTER}" where the text is unquoted, ${PORTTRACKER_FILTER}
// inside double quotes and '"${PORTTRACKER_FILTER}"' inside single quotes.
// The filter's text never becomes shell syntax, whatever it contains.
func SubstituteFilter(cmd string) string {
	if !strings.Contains(cmd, filterToken) {
		return cmd
	}
	var b strings.Builder
	stack := []quoteFrame{{ctx: unquoted}}
	for i := 0; i < len(cmd); {
		top := &stack[len(stack)-1]
		if strings.HasPrefix(cmd[i:], filterToken) {
			b.WriteString(filterExpansion(top.ctx))
			i += len(filterToken)
			continue
		}
		c := cmd[i]
		n := 1
		switch top.ctx {
		case singleQuoted:
			if c == '\'' {
				stack = stack[:len(stack)-1]
			}
		case doubleQuoted:
			switch {
			case c == '\\':
				n = 2
			case c == '"':
				stack = stack[:len(stack)-1]
			case strings.HasPrefix(cmd[i:], "$("):
				n = 2
				stack = append(stack, quoteFrame{ctx: unquoted, sub: true})
			}
		default:
			switch {
			case c == '\\':
				n = 2
			case c == '\'':
				stack = append(stack, quoteFrame{ctx: singleQuoted})
			case c == '"':
				stack = append(stack, quoteFrame{ctx: doubleQuoted})
			case strings.HasPrefix(cmd[i:], "$("):
				n = 2
				stack = append(stack, quoteFrame{ctx: unquoted, sub: true})
			case c == '(' && top.sub:
				top.depth++
			case c == ')' && top.sub && top.depth > 0:
				top.depth--
			case c == ')' && top.sub:
				stack = stack[:len(stack)-1]
			case c == '#' && (i == 0 || strings.ContainsRune(" \t\n;&|(", rune(cmd[i-1]))):
				n = commentLen(cmd[i:])
			}
		}
		n = min(n, len(cmd)-i)
		b.WriteString(cmd[i : i+n])
		i += n
	}
	return b.String()
}

func filterExpansion(ctx int) string {
	switch ctx {
	case singleQuoted:
		return `'"${` + FilterEnv + `}"'`
	case doubleQuoted:
		return `${` + FilterEnv + `}`
	}
	return `"${` + FilterEnv + `}"`
}

// commentLen is the length of a shell comment up to its newline, which it
// leaves out. Text in a comment is copied as it is.
func commentLen(s string) int {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return i
	}
	return len(s)
}
