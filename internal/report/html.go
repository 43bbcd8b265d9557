package report

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io"
)

// Stylesheet is the page's only style: readable on screen, clean on paper (no shading to waste
// ink, table headers repeated on every printed page, rows never split across pages).
const Stylesheet = `
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #1d4f91; padding-bottom: .2rem; }
p.note { margin: .1rem 0; color: #444; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
caption { text-align: left; color: #444; padding: .25rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #e8eef7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 2rem; font-size: 9pt; color: #555; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  th { background: none; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`

// StyleHash is the Content-Security-Policy source that allows exactly Stylesheet.
func StyleHash() string {
	sum := sha256.Sum256([]byte(Stylesheet))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Title}}</title>
<style>{{.Style}}</style>
</head>
<body>
<header>
<h1>{{.Doc.Title}}</h1>
{{range .Doc.Notes}}<p class="note">{{.}}</p>
{{end}}</header>
<main>
{{range .Doc.Tables}}<section>
<h2>{{.Name}}</h2>
<table>
{{if .Caption}}<caption>{{.Caption}}</caption>{{end}}
<thead><tr>{{range .Columns}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td{{if .Number}} class="n"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
</section>
{{end}}</main>
<footer>Generated {{.Doc.Generated.UTC.Format "2 January 2006 15:04 UTC"}}. To make a PDF, print this page and choose "Save as PDF".</footer>
</body>
</html>
`))

// WriteHTML writes a printable page. Every value is escaped by html/template.
func WriteHTML(w io.Writer, d Document) error {
	return page.Execute(w, struct {
		Doc   Document
		Style template.CSS
	}{d, template.CSS(Stylesheet)})
}
