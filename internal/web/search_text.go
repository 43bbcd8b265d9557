package web

// What the search page shows of the query and the text: where a query could not be read, and
// the highlighted passages from the index, made safe.

import (
	"errors"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/search/query"
)

// syntaxMark shows where in the query the parser stopped.
type syntaxMark struct {
	Before, At, After string
	Column            int // 1-based character position, for people
}

// searchProblems words the Finder's problems for the page. A query the parser could not read
// says where, counted in characters from 1 as people count (the Finder gives a 0-based offset).
func searchProblems(ps []FieldProblem, mark *syntaxMark) []FieldProblem {
	out := make([]FieldProblem, 0, len(ps))
	for _, p := range ps {
		if p.Field == "q" {
			msg := p.Message
			where := ""
			if i := strings.LastIndex(msg, " at position "); i >= 0 && mark != nil {
				msg, where = msg[:i], " at character "+strconv.Itoa(mark.Column)
			}
			p.Message = "Your search could not be read" + where + ": " + lowerFirst(msg)
		}
		out = append(out, p)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// markSyntax finds where the parser stopped in q, to show it.
func markSyntax(q string) *syntaxMark {
	_, err := query.Parse(q)
	var se *query.SyntaxError
	if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(q) {
		return nil
	}
	m := &syntaxMark{Before: q[:se.Pos], Column: len([]rune(q[:se.Pos])) + 1}
	rest := q[se.Pos:]
	if rest == "" {
		m.At = " " // the end of the query: mark the place after it
		return m
	}
	r := []rune(rest)
	m.At, m.After = string(r[0]), string(r[1:])
	return m
}

// markHighlight makes a highlighted passage from the index safe to show. The index escapes the
// text and puts <mark>…</mark> around the matched words; this does not rely on that: it decodes
// the passage and escapes all of it again, so nothing but the mark tags it re-creates (balanced,
// without attributes) can reach the page as markup.
func markHighlight(fragment string) template.HTML {
	const open, close = "<mark>", "</mark>"
	var b strings.Builder
	inMark := false
	for fragment != "" {
		i := strings.Index(fragment, open)
		j := strings.Index(fragment, close)
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, open
		case j >= 0:
			next, tag = j, close
		}
		text := fragment
		if next >= 0 {
			text = fragment[:next]
		}
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(text)))
		if next < 0 {
			break
		}
		fragment = fragment[next+len(tag):]
		switch {
		case tag == open && !inMark:
			b.WriteString(`<mark class="app-hit">`)
			inMark = true
		case tag == close && inMark:
			b.WriteString("</mark>")
			inMark = false
		}
	}
	if inMark {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every character outside the re-created marks is escaped above
}
