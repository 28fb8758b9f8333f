package gates

import "strings"

// FilterEnv is the environment variable through which a gate command
// receives its filter.
const FilterEnv = "PORTTRACKER_FILTER"

// filterToken is what a gate command writes where the filter goes.
const filterToken = "{filter}"

// ResultsEnv is the environment variable through which a test gate
// command receives the directory for its result files (TRX).
const ResultsEnv = "PORTTRACKER_RESULTS"

// resultsToken is what a test command writes where the results directory
// goes ("--logger trx --results-directory {results}").
const resultsToken = "{results}"

// tokenEnv is the variable each token's expansion reads.
func tokenEnv(token string) string {
	if token == resultsToken {
		return ResultsEnv
	}
	return FilterEnv
}

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
// {results} becomes an expansion of $PORTTRACKER_RESULTS the same way.
func SubstituteFilter(cmd string) string {
	if !strings.Contains(cmd, filterToken) && !strings.Contains(cmd, resultsToken) {
		return cmd
	}
	var b strings.Builder
	stack := []quoteFrame{{ctx: unquoted}}
	for i := 0; i < len(cmd); {
		top := &stack[len(stack)-1]
		if tok, ok := tokenAt(cmd[i:]); ok {
			b.WriteString(filterExpansion(top.ctx, tokenEnv(tok)))
			i += len(tok)
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

// tokenAt reports the token that s starts with.
func tokenAt(s string) (string, bool) {
	for _, tok := range []string{filterToken, resultsToken} {
		if strings.HasPrefix(s, tok) {
			return tok, true
		}
	}
	return "", false
}

func filterExpansion(ctx int, env string) string {
	switch ctx {
	case singleQuoted:
		return `'"${` + env + `}"'`
	case doubleQuoted:
		return `${` + env + `}`
	}
	return `"${` + env + `}"`
}

// commentLen is the length of a shell comment up to its newline, which it
// leaves out. Text in a comment is copied as it is.
func commentLen(s string) int {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return i
	}
	return len(s)
}
