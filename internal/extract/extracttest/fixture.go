// Package extracttest makes small fictional review reports, as PDF, DOCX and plain text, for
// the tests of uploading a report and for the demo's sample report. Every name in them is
// invented: no real review, person or organisation.
package extracttest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
)

// DHR is a fictional domestic homicide review report, one slice of lines per page. Its
// recommendations section starts on page 3 and its third recommendation is on page 4; it
// addresses "Eastvale Police" and "Eastvale Health Trust".
var DHR = [][]string{
	{"Domestic Homicide Review", "Ms A (a pseudonym)", "Eastvale Community Safety Partnership", "Fictional report for testing"},
	{"1. Introduction", "This fictional review looks at how agencies responded before Ms A died.", "The panel met six times."},
	{"Recommendations", "1. Eastvale Police should audit the quality of DASH risk assessments", "   every quarter and report the results to the partnership.",
		"2. Eastvale Health Trust should train maternity staff in routine enquiry", "   about domestic abuse."},
	{"3. The partnership should publish this review and its action plan.", "", "Appendix A: terms of reference", "The review covered the years 2019 to 2021."},
}

// DHRNumbers, DHRPages and DHRTexts are what the finder should propose from DHR.
var (
	DHRNumbers = []string{"1", "2", "3"}
	DHRPages   = []int{3, 3, 4}
	DHRTexts   = []string{
		"Eastvale Police should audit the quality of DASH risk assessments every quarter and report the results to the partnership.",
		"Eastvale Health Trust should train maternity staff in routine enquiry about domestic abuse.",
		"The partnership should publish this review and its action plan.",
	}
)

// Text writes pages as a plain-text file, pages divided by form feeds.
func Text(pages [][]string) []byte {
	parts := make([]string, len(pages))
	for i, p := range pages {
		parts[i] = strings.Join(p, "\n") + "\n"
	}
	return []byte(strings.Join(parts, "\f"))
}

// DOCX writes pages as a Word document, a page break between pages. A line that starts with a
// number and a full stop keeps it as typed text (the reader also handles automatic numbering).
func DOCX(pages [][]string) []byte {
	var body strings.Builder
	for i, p := range pages {
		if i > 0 {
			body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
		}
		// A continuation line (indented) belongs to the paragraph before it.
		var paras []string
		for _, l := range p {
			if strings.HasPrefix(l, "   ") && len(paras) > 0 {
				paras[len(paras)-1] += " " + strings.TrimSpace(l)
				continue
			}
			paras = append(paras, l)
		}
		for _, para := range paras {
			body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(para) + `</w:t></w:r></w:p>`)
		}
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`
	files := []struct{ name, content string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", doc},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		_, _ = w.Write([]byte(f.content))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PDF writes pages as a small PDF with a text layer (Helvetica, one line of text after
// another down an A4-ish page), which pdftotext reads.
func PDF(pages [][]string) []byte {
	var objs []string
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, lines := range pages {
		var s strings.Builder
		s.WriteString("BT /F1 11 Tf 72 760 Td 14 TL\n")
		for _, l := range lines {
			l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
			fmt.Fprintf(&s, "(%s) Tj T*\n", l)
		}
		s.WriteString("ET")
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", s.Len(), s.String()))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// Demo is the sample report a demo user can upload (docs/samples/): a fictional domestic
// homicide review of the demo's Eastmere Community Safety Partnership, whose recommendations
// name the demo's organisations.
var Demo = [][]string{
	{"Eastmere Community Safety Partnership", "Domestic Homicide Review", "Mr B (a pseudonym)", "Overview report", "",
		"This report is entirely fictional. It was written to try out casereview and", "describes no real person, review or event."},
	{"1. Introduction", "The review looked at how agencies responded to Mr B's partner, who used", "abusive and controlling behaviour, in the two years before Mr B died.",
		"The panel met seven times between 2025 and 2026."},
	{"Recommendations", "1. Eastmere and Vale Police should make sure that every DASH risk", "   assessment completed by a frontline officer is reviewed by a supervisor",
		"   within 24 hours, and audit a sample each quarter.",
		"2. Harbourlight Domestic Abuse Service should offer male victims an IDVA", "   and publicise that offer to GP practices.",
		"3. Hollowbrook Hospitals NHS Foundation Trust should ask about domestic", "   abuse at every emergency department attendance with an injury."},
	{"4. Eastmere Homes should flag tenancies where a MARAC referral has been", "   made, so that repairs staff know to visit in pairs.",
		"5. The partnership should publish this review and report progress on the", "   action plan to the Community Safety Partnership board every six months.", "",
		"Appendix A: terms of reference", "The review covered 2023 to 2025."},
}

// DemoNumbers and DemoPages are what the finder should propose from Demo.
var (
	DemoNumbers = []string{"1", "2", "3", "4", "5"}
	DemoPages   = []int{3, 3, 3, 4, 4}
)
