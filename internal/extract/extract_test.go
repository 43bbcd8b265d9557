package extract

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

// All documents here are fictional: invented reviews, places and agencies.

var orgs = []casereview.Organisation{
	{ID: "o1", Name: "Eastmere and Vale Police", Aliases: []string{"EVP"}},
	{ID: "o2", Name: "Eastmere Council", Aliases: nil},
	{ID: "o3", Name: "Eastmere Council Children's Services"},
	{ID: "o4", Name: "Vale Health NHS Trust", Aliases: []string{"VHT"}},
}

func numbers(ps []Proposal) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Number)
	}
	return out
}

func addressees(p Proposal) string {
	var ids []string
	for _, o := range p.Addressees {
		ids = append(ids, o.ID)
	}
	return strings.Join(ids, ",")
}

func findText(t *testing.T, text string) []Proposal {
	t.Helper()
	doc, err := Read("report.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return Find(doc, Options{Organisations: orgs})
}

const dhrText = `Domestic Homicide Review: Adult A (fictional)
Contents
5. Recommendations ........................................ 12
<< Page 1 >>
4. Analysis
4.1 The panel found that 2 agencies held information.
<< Page 2 >>
5. Recommendations
The review makes the following recommendations.
1. Eastmere and Vale Police should review how DASH risk assessments are
   completed when a victim declines to answer.
   (a) This should include refresher training.
   (b) It should be audited within six months.
2. Eastmere Council Children's Services should ensure that referrals from
   EVP are acknowledged within 24 hours.
14 days is not long enough for a review.
3. Vale Health NHS Trust should share its learning with the community
   safety partnership.
<< Page 3 >>
6. Appendix A: Terms of reference
1. To establish the facts.
`

func TestNumberedRecommendationsInTheirSection(t *testing.T) {
	ps := findText(t, dhrText)
	if got := strings.Join(numbers(ps), " "); got != "1 2 3" {
		t.Fatalf("numbers = %q, want 1 2 3 (the terms of reference and the contents are not recommendations)", got)
	}
	if !strings.Contains(ps[0].Text, "(a) This should include refresher training.") || !strings.Contains(ps[0].Text, "(b) It should be audited") {
		t.Errorf("sub-items left their recommendation: %q", ps[0].Text)
	}
	if !strings.Contains(ps[1].Text, "14 days is not long enough") {
		t.Errorf("a line starting with a number out of sequence started an item: %q", ps[1].Text)
	}
	if ps[0].Page != 2 || ps[2].Page != 2 {
		t.Errorf("pages = %d, %d, want 2", ps[0].Page, ps[2].Page)
	}
	if got := addressees(ps[0]); got != "o1" {
		t.Errorf("addressees of 1 = %q, want o1", got)
	}
	// The longer name wins over the shorter inside it; the alias in capitals matches too.
	if got := addressees(ps[1]); got != "o3,o1" {
		t.Errorf("addressees of 2 = %q, want o3,o1", got)
	}
	if got := addressees(ps[2]); got != "o4" {
		t.Errorf("addressees of 3 = %q, want o4", got)
	}
}

func TestNumberingStyles(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"Recommendation N", "Recommendation 1: The police should act.\nRecommendation 2\nThe council should act.\n", "1 2"},
		{"R-numbers", "R1 The police should act.\nR2. The council should act.\nR3) The trust should act.\n", "R1 R2 R3"},
		{"bracketed letters", "(a) The police should act.\n(b) The council should act.\n", "a b"},
		{"roman", "(i) The police should act.\n(ii) The council should act.\n(iii) The trust should act.\n", "i ii iii"},
		{"closing bracket", "1) The police should act.\n2) The council should act.\n", "1 2"},
		{"scanned (I)", "(I) The police should act.\n(2) The council should act.\n", "I 2"},
		{"bullets", "• The police should act.\n• The council should act.\n", "1 2"},
		{"dotted", "5.1 The police should act.\n5.2 The council should act.\n", "5.1 5.2"},
		{"letters after h", "(h) The police should act.\n(i) The council should act.\n", "h i"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := findText(t, "Introduction\nSome text.\nRecommendations\n"+c.body+"Appendix\n1. Not this.\n")
			if got := strings.Join(numbers(ps), " "); got != c.want {
				t.Errorf("numbers = %q, want %q", got, c.want)
			}
		})
	}
}

func TestUnnumberedConcernIsOneProposal(t *testing.T) {
	ps := findText(t, "4 CIRCUMSTANCES\nText.\n5 CORONER'S CONCERNS\nDuring the course of the inquest the evidence revealed matters giving rise to concern. It is my statutory duty to report to you.\nThe ward had no written plan for observation at night.\n6 ACTION SHOULD BE TAKEN\nIn my opinion action should be taken.\n")
	if len(ps) != 1 || ps[0].Text != "The ward had no written plan for observation at night." {
		t.Fatalf("proposals = %+v", ps)
	}
}

const commissionText = `8. Recommendations
General
8.1. The Commission may issue, or give notice of, recommendations to any person.
Previous recommendations
8.2. The Commission recommended that the Director review the rules (004/09).
New recommendations
To the Director of Harbours
8.3. The harbour had no pilot on duty. The Commission recommends that the Director
of Harbours ensure a pilot is on duty at night (023/14).
8.4. On 3 May the Director replied:
(023/14) Accepted. A pilot will be rostered.
8.5. On 1 April the Commission recommended that the Director:
a. publish the tide tables (024/14)
b. check the buoys every month (025/14).
`

func TestCommissionStyleRecommendationsWithIdentifiers(t *testing.T) {
	all := findText(t, commissionText)
	if got := strings.Join(numbers(all), " "); got != "004/09 023/14 024/14 025/14" {
		t.Fatalf("numbers = %q (a reply is not a proposal)", got)
	}
	if !all[0].Recalled || all[1].Recalled || all[2].Recalled || all[3].Recalled {
		t.Errorf("only the recommendation under ‘Previous recommendations’ is recalled: %+v", all)
	}
	ps := all[1:]
	// The sentence before the one that recommends is the analysis, not the recommendation.
	if want := "The Commission recommends that the Director of Harbours ensure a pilot is on duty at night."; ps[0].Text != want {
		t.Errorf("text = %q, want %q", ps[0].Text, want)
	}
	if ps[2].Text != "On 1 April the Commission recommended that the Director: check the buoys every month." {
		t.Errorf("a lettered recommendation should carry its lead-in: %q", ps[2].Text)
	}
}

func TestRunningHeadersAndHyphenationDoNotBreakARecommendation(t *testing.T) {
	var b strings.Builder
	for p := 1; p <= 4; p++ {
		fmt.Fprintf(&b, "Fictional Review Report\n")
		if p == 3 {
			b.WriteString("Recommendations\n1. The council should com-\nmission a new refuge and\n")
		} else if p == 4 {
			b.WriteString("review it yearly.\n2. The police should act.\n")
		} else {
			b.WriteString("Background text.\n")
		}
		fmt.Fprintf(&b, "Page %d of 4\f", p)
	}
	ps := findText(t, b.String())
	if len(ps) != 2 || ps[0].Text != "The council should commission a new refuge and review it yearly." {
		t.Fatalf("proposals = %+v", ps)
	}
}

func zipOf(t *testing.T, files map[string]string, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDOCXWithAutomaticNumbering(t *testing.T) {
	para := func(text string, num bool) string {
		np := ""
		if num {
			np = `<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>`
		}
		return `<w:p>` + np + `<w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	body := para("Child Safeguarding Practice Review: Child B (fictional)", false) +
		`<w:p><w:r><w:br w:type="page"/></w:r></w:p>` +
		para("Recommendations", false) +
		para("Vale Health NHS Trust should record fathers in maternity notes.", true) +
		para("Eastmere Council should audit &amp; report on step-down cases.", true) +
		para("Appendix", false)
	doc := `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`
	numbering := `<?xml version="1.0"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="R%1."/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>`
	data := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": doc, "word/numbering.xml": numbering},
		"[Content_Types].xml", "word/document.xml", "word/numbering.xml")
	d, err := Read("review.docx", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != DOCX || len(d.Pages) != 2 {
		t.Fatalf("format %s, %d pages", d.Format, len(d.Pages))
	}
	ps := Find(d, Options{Organisations: orgs})
	if got := strings.Join(numbers(ps), " "); got != "R1 R2" {
		t.Fatalf("numbers = %q, want R1 R2", got)
	}
	if ps[1].Text != "Eastmere Council should audit & report on step-down cases." || ps[1].Page != 2 {
		t.Errorf("second = %+v", ps[1])
	}
	if addressees(ps[0]) != "o4" || addressees(ps[1]) != "o2" {
		t.Errorf("addressees %q %q", addressees(ps[0]), addressees(ps[1]))
	}
}

func TestODTWithList(t *testing.T) {
	content := `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0">` +
		`<office:automatic-styles><text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="a" style:num-prefix="(" style:num-suffix=")"/></text:list-style></office:automatic-styles>` +
		`<office:body><office:text><text:h>Safeguarding Adults Review: Mr C (fictional)</text:h><text:soft-page-break/>` +
		`<text:h>Recommendations</text:h><text:list text:style-name="L1">` +
		`<text:list-item><text:p>EVP should  <text:s text:c="2"/>flag repeat callers.</text:p></text:list-item>` +
		`<text:list-item><text:p>The safeguarding board should publish this review.</text:p></text:list-item>` +
		`</text:list></office:text></office:body></office:document-content>`
	data := zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content}, "mimetype", "content.xml")
	d, err := Read("review.odt", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != ODT || len(d.Pages) != 2 {
		t.Fatalf("format %s, %d pages", d.Format, len(d.Pages))
	}
	ps := Find(d, Options{Organisations: orgs})
	if got := strings.Join(numbers(ps), " "); got != "a b" {
		t.Fatalf("numbers = %q, want a b; pages %q", got, d.Pages)
	}
	if ps[0].Text != "EVP should flag repeat callers." || addressees(ps[0]) != "o1" || ps[0].Page != 2 {
		t.Errorf("first = %+v", ps[0])
	}
}

// minimalPDF writes a small PDF with one page per element of pages, each line of text placed
// down the page, so pdftotext has something real to read.
func minimalPDF(pages [][]string) []byte {
	var objs []string
	n := len(pages)
	// 1 catalog, 2 pages, 3 font, then per page: page object, content stream.
	kids := make([]string, n)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>")
	objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i, lines := range pages {
		var s strings.Builder
		s.WriteString("BT /F1 11 Tf 72 760 Td 14 TL\n")
		for _, l := range lines {
			l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
			fmt.Fprintf(&s, "(%s) Tj T*\n", l)
		}
		s.WriteString("ET")
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", s.Len(), s.String()))
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

func TestPDFThroughPdftotext(t *testing.T) {
	r := FindPDFReader("")
	if !r.Available() {
		t.Skip("pdftotext is not installed (poppler-utils)")
	}
	data := minimalPDF([][]string{
		{"Domestic Homicide Review: Ms D (fictional)", "Summary of the review."},
		{"Recommendations", "1. Eastmere and Vale Police should audit DASH risk", "assessments every quarter.", "2. VHT should train staff in routine enquiry."},
	})
	d, err := Read("review.pdf", data, r)
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != PDF || len(d.Pages) != 2 {
		t.Fatalf("format %s, %d pages: %q", d.Format, len(d.Pages), d.Pages)
	}
	ps := Find(d, Options{Organisations: orgs})
	if got := strings.Join(numbers(ps), " "); got != "1 2" {
		t.Fatalf("numbers = %q; pages %q", got, d.Pages)
	}
	if ps[0].Text != "Eastmere and Vale Police should audit DASH risk assessments every quarter." || ps[0].Page != 2 {
		t.Errorf("first = %+v", ps[0])
	}
	if addressees(ps[1]) != "o4" {
		t.Errorf("addressees of 2 = %q", addressees(ps[1]))
	}
	if !strings.Contains(r.Describe(), "pdftotext") {
		t.Errorf("Describe = %q", r.Describe())
	}
}

func TestNoPDFReaderAndUnsupported(t *testing.T) {
	if _, err := Read("r.pdf", []byte("%PDF-1.4\n"), &PDFReader{}); err != ErrNoPDFReader {
		t.Errorf("err = %v, want ErrNoPDFReader", err)
	}
	if _, err := Read("r.exe", []byte{0x4d, 0x5a, 0, 1}, nil); err != ErrUnsupported {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	if _, err := Read("r.txt", []byte("   \n"), nil); err != ErrNoText {
		t.Errorf("err = %v, want ErrNoText", err)
	}
}
