package web

import (
	"strconv"
	"strings"
)

// Charts drawn on the server as SVG (the "bar-chart" partial): they print, need no JavaScript,
// and scale to the width of the screen. Each chart sits beside the table that holds its data,
// and says in its title and description what it shows. A count hidden by disclosure control
// has no bar: its marker ("<5", "[c]") stands where the bar would be, as in the table.

// barChart is a horizontal bar chart, one bar per row of its table.
type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	Bars            []chartBar
}

// chartBar is one bar with its label above it and its value after it.
type chartBar struct {
	Label, Value    string
	LabelY, BarY, W int
	ValueX, ValueY  int
	Hidden          bool
}

const (
	chartWidth   = 400 // the viewBox; the drawing scales to the page
	chartBarMax  = 320 // the longest bar, leaving room for its value
	chartRowStep = 44
)

// newBarChart draws one bar per figure, each labelled; table names the table with the data.
func newBarChart(id, title, table string, labels []string, figs []figure) barChart {
	ch := barChart{ID: id, Title: title, Width: chartWidth, Height: max(len(figs), 1)*chartRowStep + 4}
	top := 0
	for _, f := range figs {
		if !f.Hidden {
			top = max(top, f.N)
		}
	}
	var words []string
	for i, f := range figs {
		y := i * chartRowStep
		b := chartBar{Label: labels[i], Value: f.Text, LabelY: y + 14, BarY: y + 20, ValueY: y + 33, Hidden: f.Hidden}
		if !f.Hidden && top > 0 {
			b.W = f.N * chartBarMax / top
			if f.N > 0 && b.W == 0 {
				b.W = 1
			}
		}
		b.ValueX = b.W + 6
		ch.Bars = append(ch.Bars, b)
		words = append(words, labels[i]+": "+f.Text)
	}
	ch.Desc = "Bar chart with " + strconv.Itoa(len(figs)) + " bars. " + strings.Join(words, "; ") + ". The same figures are in the table " + table + "."
	return ch
}
