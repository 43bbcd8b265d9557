package bleve

import (
	"fmt"
	"slices"
	"strings"

	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// flagTerms lifts flag:… terms out of the query so they can be applied as date conditions against
// the request's as-of date, like the flag parameter. A flag is a filter on the whole result, so it
// may stand beside the other terms but not inside OR, a group or an exclusion.
func flagTerms(n query.Node, asOf casereview.Date) (query.Node, []bq.Query, error) {
	toQuery := func(t *query.Term) (bq.Query, error) {
		f := casereview.Flag(strings.ToLower(t.Text))
		if !slices.Contains(casereview.Flags, f) {
			names := make([]string, len(casereview.Flags))
			for i, x := range casereview.Flags {
				names[i] = string(x)
			}
			return nil, &search.QueryError{Msg: fmt.Sprintf("flag:%s is not a flag (use one of: %s)", t.Text, strings.Join(names, ", "))}
		}
		return flagQuery(f, asOf)
	}
	isFlag := func(c query.Node) (*query.Term, bool) {
		t, ok := c.(*query.Term)
		return t, ok && t.Field == "flag"
	}
	if t, ok := isFlag(n); ok {
		q, err := toQuery(t)
		return nil, []bq.Query{q}, err
	}
	var rest []query.Node
	var flags []bq.Query
	if and, ok := n.(*query.And); ok {
		for _, c := range and.Children {
			t, ok := isFlag(c)
			if !ok {
				rest = append(rest, c)
				continue
			}
			q, err := toQuery(t)
			if err != nil {
				return nil, nil, err
			}
			flags = append(flags, q)
		}
		switch len(rest) {
		case 0:
			n = nil
		case 1:
			n = rest[0]
		default:
			n = &query.And{Children: rest}
		}
	}
	if nestedFlag(n) {
		return nil, nil, &search.QueryError{Msg: "flag: filters the whole result: use it beside the other words, not inside OR, brackets or after -"}
	}
	return n, flags, nil
}

func nestedFlag(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		return n.Field == "flag"
	case *query.And:
		return slices.ContainsFunc(n.Children, nestedFlag)
	case *query.Or:
		return slices.ContainsFunc(n.Children, nestedFlag)
	case *query.Not:
		return nestedFlag(n.Child)
	}
	return false
}
