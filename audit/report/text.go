package report

import (
	"sort"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

type deferredGroup struct {
	kind   ledger.Kind
	reason string
	ids    []int
}

// groupDeferred groups deferred items by kind and reason, features first,
// then by reason.
func groupDeferred(items []viewdb.ReportItem) []deferredGroup {
	idx := map[[2]string]int{}
	var out []deferredGroup
	for _, it := range items {
		k := [2]string{string(it.Kind), it.Reason}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, deferredGroup{kind: it.Kind, reason: it.Reason})
		}
		out[i].ids = append(out[i].ids, it.ID)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].kind != out[j].kind {
			return out[i].kind < out[j].kind
		}
		return out[i].reason < out[j].reason
	})
	for _, g := range out {
		sort.Ints(g.ids)
	}
	return out
}

func percent(n, total int) string {
	if total == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + "%"
}

func intList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}

func batchCell(id int) string {
	if id == 0 {
		return "—"
	}
	return strconv.Itoa(id)
}

func location(file, symbol string) string {
	switch {
	case file == "" && symbol == "":
		return "—"
	case file == "":
		return mdCode(symbol)
	case symbol == "":
		return mdCode(file)
	}
	return mdCode(file) + " " + mdCode(symbol)
}

// oneLine folds line breaks and tabs into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mdText escapes free text for a table cell: it cannot end the cell, start
// emphasis, a link, inline HTML or a code span.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for i, c := range s {
		switch c {
		case '\\', '|', '*', '`', '[', ']':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '<':
			b.WriteString("&lt;")
		case '_':
			// Intraword underscores (not_started) are literal in GFM.
			if i > 0 && i < len(s)-1 && isWordByte(s[i-1]) && isWordByte(s[i+1]) {
				b.WriteByte('_')
			} else {
				b.WriteString(`\_`)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// mdCode writes s as a code span for a table cell.
func mdCode(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdLink escapes a relative path for a link destination.
func mdLink(p string) string {
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")
	return r.Replace(p)
}
