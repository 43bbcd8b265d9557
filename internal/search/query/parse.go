package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The grammar, with OR binding tighter than the implicit AND:
//
//	sequence := { alternatives }               items AND-ed together
//	alternatives := unary { "OR" unary }
//	unary := [ sign ] primary                  "+" is a no-op, "-" excludes
//	primary := "(" sequence ")" | word | phrase | field ( word | phrase | "(" sequence ")" )
//
// A bracketed group inside an AND is spliced into it: a (b c) is a b c.
type parser struct {
	toks  []token
	i     int
	terms int
}

func (p *parser) peek() *token {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *parser) next() *token {
	t := p.peek()
	p.i++
	return t
}

// sequence reads AND-ed items up to a ")" or the end. field is set inside field:( ).
func (p *parser) sequence(field string, depth int) ([]Node, error) {
	var items []Node
	for {
		t := p.peek()
		if t == nil || t.kind == tRParen {
			return items, nil
		}
		if t.kind == tOr {
			return nil, errAt(t.pos, msgDanglingOR, orHint)
		}
		n, err := p.alternatives(field, depth)
		if err != nil {
			return nil, err
		}
		if and, ok := n.(*And); ok {
			items = append(items, and.Children...)
		} else {
			items = append(items, n)
		}
	}
}

const noWordsHint = "type a word, a \"phrase\" or a field such as theme:stalking"

const orHint = "OR goes between two search terms, as in marac OR idva"

func (p *parser) alternatives(field string, depth int) (Node, error) {
	first, err := p.unary(field, depth)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t == nil || t.kind != tOr {
		return first, nil
	}
	or := &Or{}
	add := func(n Node) error {
		switch n := n.(type) {
		case *Not:
			return errAt(n.Pos, msgNotInOR,
				"to leave something out, put it outside the OR, as in (marac OR idva) -training")
		case *And:
			if err := needPositive(n.Children); err != nil {
				return err
			}
		case *Or:
			or.Children = append(or.Children, n.Children...)
			return nil
		}
		or.Children = append(or.Children, n)
		return nil
	}
	if err := add(first); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == nil || t.kind != tOr {
			return or, nil
		}
		p.next()
		if nt := p.peek(); nt == nil || nt.kind == tRParen || nt.kind == tOr {
			return nil, errAt(t.pos, msgDanglingOR, orHint)
		}
		n, err := p.unary(field, depth)
		if err != nil {
			return nil, err
		}
		if err := add(n); err != nil {
			return nil, err
		}
	}
}

func (p *parser) unary(field string, depth int) (Node, error) {
	t := p.peek()
	if t == nil {
		return nil, errAt(0, msgNoWords, noWordsHint)
	}
	if t.kind != tSign {
		return p.primary(field, depth)
	}
	p.next()
	nt := p.peek()
	if nt == nil || nt.kind == tRParen || nt.kind == tSign { // the lexer emits signs only before operands
		return nil, errAt(t.pos, msgNoWords, "write the word straight after the sign, as in -training")
	}
	if nt.kind == tOr {
		return nil, errAt(nt.pos, msgDanglingOR, orHint)
	}
	child, err := p.primary(field, depth)
	if err != nil || !t.neg {
		return child, err
	}
	switch c := child.(type) {
	case *Not:
		return nil, errAt(c.Pos, msgNoWords, "an exclusion can't contain only exclusions")
	case *And:
		if err := needPositive(c.Children); err != nil {
			return nil, err
		}
	}
	return &Not{Child: child, Pos: t.pos}, nil
}

// needPositive rejects a group made only of exclusions, which would match almost everything.
func needPositive(items []Node) error {
	for _, it := range items {
		if _, ok := it.(*Not); !ok {
			return nil
		}
	}
	return errAt(items[0].(*Not).Pos, msgNoWords,
		"brackets can't hold only exclusions: add a word to look for, as in (stalking -training)")
}

func (p *parser) primary(field string, depth int) (Node, error) {
	t := p.next()
	if t == nil {
		return nil, errAt(0, msgNoWords, noWordsHint)
	}
	switch t.kind {
	case tLParen:
		return p.group(field, depth, t.pos)
	case tWord:
		return p.word(field, t, t.pos)
	case tPhrase:
		return p.phrase(field, t, t.pos)
	case tField:
		if field != "" {
			return nil, errAt(t.pos, msgNestedField(field), "close the brackets before using another field")
		}
		v := p.next() // the lexer always puts a value or "(" after a field
		switch v.kind {
		case tLParen:
			return p.group(t.text, depth, v.pos)
		case tPhrase:
			return p.phrase(t.text, v, t.pos)
		default:
			return p.word(t.text, v, t.pos)
		}
	case tRParen:
		return nil, errAt(t.pos, msgUnexpectedParen, "remove it, or add a matching ( before it")
	case tOr:
		return nil, errAt(t.pos, msgDanglingOR, orHint)
	}
	return nil, errAt(t.pos, msgNoWords, noWordsHint)
}

func (p *parser) group(field string, depth, open int) (Node, error) {
	if depth+1 > MaxDepth {
		return nil, errAt(open, msgTooDeep, "use fewer brackets inside brackets")
	}
	items, err := p.sequence(field, depth+1)
	if err != nil {
		return nil, err
	}
	if t := p.next(); t == nil {
		return nil, errAt(open, msgUnclosedParen, "add a ) to close this bracket, or remove it")
	}
	switch len(items) {
	case 0:
		return nil, errAt(open, msgEmptyGroup, "put words between the brackets, or remove them")
	case 1:
		return items[0], nil
	}
	return &And{Children: items}, nil
}

func (p *parser) count(pos int) error {
	p.terms++
	if p.terms > MaxTerms {
		return errAt(pos, msgTooManyTerms, "remove some words")
	}
	return nil
}

func (p *parser) word(field string, t *token, pos int) (Node, error) {
	if err := p.count(pos); err != nil {
		return nil, err
	}
	if field == "year" {
		return yearRange(t.raw, pos)
	}
	if t.prefix {
		if field != "" {
			return nil, errAt(pos, msgFieldPrefix, "remove the * and give the whole value")
		}
		if utf8.RuneCountInString(t.text) < 3 {
			return nil, errAt(pos, msgShortPrefix, "type more of the word, or remove the *")
		}
	}
	return &Term{Field: field, Text: t.text, Prefix: t.prefix, Pos: pos}, nil
}

func (p *parser) phrase(field string, t *token, pos int) (Node, error) {
	if err := p.count(pos); err != nil {
		return nil, err
	}
	if field == "year" {
		return yearRange(t.text, pos)
	}
	return &Phrase{Field: field, Text: t.text, Pos: pos}, nil
}

const yearHint = "write year:2020, year:2019..2022, year:2019.. or year:..2022"

func yearRange(v string, pos int) (Node, error) {
	from, to := v, v
	if a, b, ok := strings.Cut(v, ".."); ok {
		from, to = a, b
		if a == "" && b == "" {
			return nil, errAt(pos, msgBadYear, yearHint)
		}
	}
	f, okf := year(from)
	t, okt := year(to)
	if !okf || !okt {
		return nil, errAt(pos, msgBadYear, yearHint)
	}
	if f != 0 && t != 0 && f > t {
		return nil, errAt(pos, msgYearBackwards, fmt.Sprintf("write year:%d..%d", t, f))
	}
	return &YearRange{From: f, To: t, Pos: pos}, nil
}

// year reads a four-digit year; "" is an open end (0).
func year(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) != 4 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
