package query

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// printer renders a tree and measures the result, so that Parse accepts only trees whose
// rendering it would accept too.
type printer struct {
	b       strings.Builder
	runes   int
	depth   int
	deepPos int // Pos of the first leaf inside more than MaxDepth brackets, or -1
	longPos int // Pos of the first leaf that ends past MaxLength runes, or -1
}

func newPrinter() *printer { return &printer{deepPos: -1, longPos: -1} }

func (p *printer) write(s string) {
	p.b.WriteString(s)
	p.runes += utf8.RuneCountInString(s)
}

func (p *printer) root(n Node) {
	switch n := n.(type) {
	case *And:
		p.and(n)
	case *Or:
		p.or(n)
	case *Not:
		p.write("-")
		p.operand(n.Child)
	default:
		p.leaf(n)
	}
}

// Kinds of AND-ed items, in the order they are rendered.
const (
	required = iota
	excluded
	filter
)

func kindOf(n Node) int {
	switch n := n.(type) {
	case *Not:
		return excluded
	case *Term:
		if n.Field != "" {
			return filter
		}
	case *Phrase:
		if n.Field != "" {
			return filter
		}
	case *YearRange:
		return filter
	}
	return required
}

func (p *printer) and(n *And) {
	first := true
	for kind := required; kind <= filter; kind++ {
		for _, c := range n.Children {
			if kindOf(c) != kind {
				continue
			}
			if !first {
				p.write(" ")
			}
			first = false
			switch kind {
			case required:
				p.write("+")
				p.operand(c)
			case excluded:
				p.write("-")
				p.operand(c.(*Not).Child)
			default:
				p.leaf(c)
			}
		}
	}
}

func (p *printer) or(n *Or) {
	for i, c := range n.Children {
		if i > 0 {
			p.write(" OR ")
		}
		p.operand(c)
	}
}

// operand renders n where a single word would stand, bracketing anything bigger.
func (p *printer) operand(n Node) {
	switch n.(type) {
	case *And, *Or, *Not:
		p.write("(")
		p.depth++
		p.root(n)
		p.depth--
		p.write(")")
	default:
		p.leaf(n)
	}
}

func (p *printer) leaf(n Node) {
	pos := 0
	switch n := n.(type) {
	case *Term:
		pos = n.Pos
		if n.Field != "" {
			p.write(n.Field + ":")
		}
		p.write(n.Text)
		if n.Prefix {
			p.write("*")
		}
	case *Phrase:
		pos = n.Pos
		if n.Field != "" {
			p.write(n.Field + ":")
		}
		p.write(`"` + n.Text + `"`)
	case *YearRange:
		pos = n.Pos
		p.write("year:")
		switch {
		case n.From != 0 && n.From == n.To:
			p.write(strconv.Itoa(n.From))
		default:
			if n.From != 0 {
				p.write(strconv.Itoa(n.From))
			}
			p.write("..")
			if n.To != 0 {
				p.write(strconv.Itoa(n.To))
			}
		}
	default: // nil, or a Node from outside this package
		return
	}
	if p.depth > MaxDepth && p.deepPos < 0 {
		p.deepPos = pos
	}
	if p.runes > MaxLength && p.longPos < 0 {
		p.longPos = pos
	}
}
