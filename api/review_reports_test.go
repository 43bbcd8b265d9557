package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/extract"
	"github.com/casereview/casereview/internal/extract/extracttest"
)

// A review's report through the API (issue 17 §2): uploading a fictional DHR report proposes its
// recommendations with their pages and addressees; confirming the panel's edited list creates
// them through the usual create path (audited, searchable, naming their report and page), all
// or none and only once; bad files and callers are refused with nothing kept.

const (
	rpViewer     = "viewer"
	rpOtherPanel = "otherpanel"
)

type rpProposal struct {
	Number     string   `json:"number"`
	Text       string   `json:"text"`
	Page       int      `json:"page"`
	Addressees []string `json:"addressees"`
	Themes     []string `json:"themes"`
	Recalled   *bool    `json:"recalled"`
}

type rpReport struct {
	ID          string       `json:"id"`
	ReviewID    string       `json:"review_id"`
	Filename    string       `json:"filename"`
	Format      string       `json:"format"`
	SHA256      string       `json:"sha256"`
	SizeBytes   int64        `json:"size_bytes"`
	Pages       int          `json:"pages"`
	ConfirmedAt *string      `json:"confirmed_at"`
	Created     int          `json:"created_count"`
	Proposals   []rpProposal `json:"proposals"`
}

type rpRec struct {
	ID             string  `json:"id"`
	Number         string  `json:"number"`
	Text           string  `json:"text"`
	SourceReportID *string `json:"source_report_id"`
	SourcePage     *int    `json:"source_page"`
	Addressees     []struct {
		OrganisationID string `json:"organisation_id"`
	} `json:"addressees"`
}

// rpStart is the lifecycle world with a viewer and the panel of another partnership, and a
// shared review of the first partnership.
func rpStart(t *testing.T, dialect string) (*lcWorld, string) {
	t.Helper()
	w := lcStart(t, dialect)
	other, err := w.st.CreatePartnership(w.sys, casereview.PartnershipDraft{Name: "Westmere Safeguarding Partnership", Kind: "community_safety_partnership"})
	lcOK(t, err, "create partnership")
	for role, m := range map[string]casereview.MembershipDraft{
		rpViewer:     {Role: casereview.RoleViewer},
		rpOtherPanel: {Role: casereview.RolePanel, PartnershipID: other.ID},
	} {
		u, tok := auUser(t, w.s, role+"@reports.example.org", "Report "+role, "", m)
		w.users[role], w.tokens[role] = u, tok
	}
	return w, w.newReview(t, "DHR-UPLOAD-1", map[string]any{"visibility": "shared"})
}

func (w *lcWorld) uploadReport(t *testing.T, role, review, filename string, content []byte) apitest.Response {
	t.Helper()
	body, ct := lcMultipart(t, filename, content)
	return w.send(role, "POST", "/api/v1/reviews/"+review+"/reports", body, "Content-Type", ct)
}

func rpUpload(t *testing.T, w *lcWorld, review, filename string, content []byte) rpReport {
	t.Helper()
	r := w.uploadReport(t, lcPanel, review, filename, content)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload %s: status %d: %s", filename, r.Status, r.Body)
	}
	var rep rpReport
	r.JSON(t, &rep)
	if loc := r.Header.Get("Location"); loc != "/api/v1/reports/"+rep.ID {
		t.Errorf("Location %q", loc)
	}
	return rep
}

func TestReportUploadProposesRecommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		files := map[string][]byte{"ms-a.txt": extracttest.Text(extracttest.DHR), "ms-a.docx": extracttest.DOCX(extracttest.DHR)}
		if extract.FindPDFReader("").Available() {
			files["ms-a.pdf"] = extracttest.PDF(extracttest.DHR)
		} else {
			t.Log("pdftotext is not installed: the PDF case is skipped")
		}
		for name, content := range files {
			n := w.auditTotal(t)
			rep := rpUpload(t, w, review, name, content)
			w.expectAudit(t, "upload "+name, n, lcEvent{"report.uploaded", "review_report", rep.ID, lcPanel})
			sum := sha256.Sum256(content)
			if rep.SHA256 != hex.EncodeToString(sum[:]) || rep.SizeBytes != int64(len(content)) || rep.Pages != 4 || rep.ConfirmedAt != nil {
				t.Errorf("%s: report %+v", name, rep)
			}
			if want := strings.TrimPrefix(name[strings.LastIndex(name, "."):], "."); rep.Format != want {
				t.Errorf("%s: format %q", name, rep.Format)
			}
			if len(rep.Proposals) != 3 {
				t.Fatalf("%s: %d proposals: %+v", name, len(rep.Proposals), rep.Proposals)
			}
			for i, p := range rep.Proposals {
				if p.Number != extracttest.DHRNumbers[i] || p.Page != extracttest.DHRPages[i] || p.Text != extracttest.DHRTexts[i] {
					t.Errorf("%s: proposal %d = %+v", name, i, p)
				}
			}
			if !slices.Equal(rep.Proposals[0].Addressees, []string{w.police}) || !slices.Equal(rep.Proposals[1].Addressees, []string{w.health}) {
				t.Errorf("%s: addressees %v %v", name, rep.Proposals[0].Addressees, rep.Proposals[1].Addressees)
			}
			if len(rep.Proposals[0].Themes) == 0 {
				t.Errorf("%s: no theme suggested for a DASH risk assessment recommendation", name)
			}
			// The file comes back as it went in, as a download.
			r := w.must(t, http.StatusOK, rpViewer, "GET", "/api/v1/reports/"+rep.ID+"/content", nil)
			if !bytes.Equal(r.Body, content) || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: download differs or is not an attachment (%q)", name, r.Header.Get("Content-Disposition"))
			}
		}
		var list struct{ Items []rpReport }
		w.get(t, rpViewer, "/api/v1/reviews/"+review+"/reports", &list)
		if len(list.Items) != len(files) || list.Items[0].Proposals != nil {
			t.Errorf("list: %+v", list.Items)
		}
	})
}

func TestReportConfirmCreatesOnceWithPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		rep := rpUpload(t, w, review, "ms-a.docx", extracttest.DOCX(extracttest.DHR))
		path := "/api/v1/reports/" + rep.ID + "/confirm"
		p := rep.Proposals
		item := func(number, text string, page int, orgs ...string) map[string]any {
			m := map[string]any{"number": number, "text": text, "scope": "local", "page": page}
			var ads []map[string]any
			for _, o := range orgs {
				ads = append(ads, map[string]any{"organisation_id": o, "role": "lead"})
			}
			if ads != nil {
				m["addressees"] = ads
			}
			return m
		}
		// Problems are reported per proposal, and nothing is created.
		bad := map[string]any{"proposals": []any{item("1", "", 3), item("2", p[1].Text, 3), item("2", "A split-off part.", 3),
			item("4", "Unknown addressee.", 9, unknownID)}}
		r := w.send(lcPanel, "POST", path, bad)
		checkProblem(t, r, path, problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{
			{Field: "proposals[0].text", Code: "required"}, {Field: "proposals[2].number", Code: "duplicate"},
			{Field: "proposals[3].page", Code: "invalid"}, {Field: "proposals[3].addressees[0].organisation_id", Code: "not_found"}}})
		var recs struct{ Items []rpRec }
		w.get(t, lcPanel, "/api/v1/recommendations?review_id="+review, &recs)
		if len(recs.Items) != 0 {
			t.Fatalf("a refused confirmation created %d recommendations", len(recs.Items))
		}
		// Those who may not manage the review are refused.
		good := map[string]any{"proposals": []any{
			item("1", p[0].Text+" Quarterly.", p[0].Page, w.police),
			item("2", p[1].Text, p[1].Page, w.health),
			item("2a", "Eastvale Health Trust should share the training plan with the partnership.", p[1].Page, w.health),
		}}
		for _, role := range []string{lcEditor, rpViewer, rpOtherPanel, lcOversight} {
			if r := w.send(role, "POST", path, good); r.Status != http.StatusForbidden {
				t.Errorf("confirm as %s: status %d, want 403", role, r.Status)
			}
		}
		n := w.auditTotal(t)
		var out struct{ Items []rpRec }
		w.must(t, http.StatusCreated, lcPanel, "POST", path, good).JSON(t, &out)
		if len(out.Items) != 3 {
			t.Fatalf("created %d", len(out.Items))
		}
		for i, rec := range out.Items {
			if rec.SourceReportID == nil || *rec.SourceReportID != rep.ID || rec.SourcePage == nil || *rec.SourcePage != []int{3, 3, 3}[i] {
				t.Errorf("recommendation %s: source %v page %v", rec.Number, rec.SourceReportID, rec.SourcePage)
			}
		}
		w.expectAudit(t, "confirm", n, lcEvent{"recommendation.created", "recommendation", out.Items[0].ID, lcPanel},
			lcEvent{"recommendation.created", "recommendation", out.Items[1].ID, lcPanel},
			lcEvent{"recommendation.created", "recommendation", out.Items[2].ID, lcPanel},
			lcEvent{"report.confirmed", "review_report", rep.ID, lcPanel})
		// A second confirmation (a double submit) creates nothing.
		n = w.auditTotal(t)
		r = w.send(lcPanel, "POST", path, good)
		if r.Status != http.StatusConflict {
			t.Errorf("second confirmation: status %d, want 409: %s", r.Status, r.Body)
		}
		w.expectAudit(t, "second confirmation", n)
		w.get(t, lcPanel, "/api/v1/recommendations?review_id="+review, &recs)
		if len(recs.Items) != 3 {
			t.Errorf("%d recommendations after two confirmations, want 3", len(recs.Items))
		}
		var got rpReport
		w.get(t, lcPanel, "/api/v1/reports/"+rep.ID, &got)
		if got.ConfirmedAt == nil || got.Created != 3 {
			t.Errorf("report after confirmation: %+v", got)
		}
		// The new recommendations are searchable at once, the edit included.
		var hits struct {
			Items []struct {
				Rec rpRec `json:"recommendation"`
			} `json:"items"`
		}
		w.get(t, rpViewer, "/api/v1/search?"+url.Values{"q": {"Quarterly"}}.Encode(), &hits)
		if len(hits.Items) != 1 || hits.Items[0].Rec.ID != out.Items[0].ID {
			t.Errorf("search for the edited text: %+v", hits.Items)
		}
	})
}

func TestReportUploadRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		restricted := w.newReview(t, "DHR-UPLOAD-2", map[string]any{"visibility": "restricted"})
		path := "/api/v1/reviews/" + review + "/reports"
		txt := extracttest.Text(extracttest.DHR)
		before := w.auditTotal(t)
		for _, role := range []string{lcEditor, rpViewer, rpOtherPanel, lcOversight} {
			if r := w.uploadReport(t, role, review, "ms-a.txt", txt); r.Status != http.StatusForbidden {
				t.Errorf("upload as %s: status %d, want 403: %s", role, r.Status, r.Body)
			}
		}
		if r := w.uploadReport(t, rpOtherPanel, restricted, "ms-a.txt", txt); r.Status != http.StatusNotFound {
			t.Errorf("upload to another partnership's restricted review: status %d, want 404", r.Status)
		}
		refuse := func(what, filename string, content []byte, code string) {
			t.Helper()
			r := w.uploadReport(t, lcPanel, review, filename, content)
			checkProblem(t, r, path, problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "file", Code: code}}})
		}
		refuse("an executable", "report.pdf", evELF, "unsupported_type")
		refuse("an image", "report.png", evPNG, "unsupported_type")
		refuse("a text without recommendations", "notes.txt", []byte("Minutes of the panel.\nNothing was decided.\n"), "no_recommendations")
		refuse("an empty file", "empty.txt", []byte{}, "required")
		refuse("a file over 25 MB", "big.txt", bytes.Repeat([]byte("Recommendations\n1. Train staff.\n"), casereview.MaxReportBytes/32+1)[:casereview.MaxReportBytes+1], "too_long")
		refuse("a damaged DOCX", "broken.docx", append([]byte("PK\x03\x04"), make([]byte, 64)...), "unsupported_type")
		if extract.FindPDFReader("").Available() {
			refuse("a PDF without a text layer", "scan.pdf", extracttest.PDF([][]string{{}}), "no_text")
			// Without pdftotext, PDFs are refused with that reason and the other formats work.
			w.st.UsePDFReader(&extract.PDFReader{})
			refuse("a PDF with no reader", "ms-a.pdf", extracttest.PDF(extracttest.DHR), "pdf_reader_missing")
			w.st.UsePDFReader(extract.FindPDFReader(""))
		}
		w.expectAudit(t, "refused uploads", before)
		var list struct{ Items []rpReport }
		w.get(t, lcPanel, "/api/v1/reviews/"+review+"/reports", &list)
		if len(list.Items) != 0 {
			t.Errorf("refused uploads kept %d reports", len(list.Items))
		}
		// A report of a restricted review is not found by whoever may not read it.
		rep := rpUpload(t, w, restricted, "ms-a.txt", txt)
		for _, p := range []string{"/api/v1/reports/" + rep.ID, "/api/v1/reports/" + rep.ID + "/content", "/api/v1/reviews/" + restricted + "/reports"} {
			if r := w.send(rpOtherPanel, "GET", p, nil); r.Status != http.StatusNotFound {
				t.Errorf("GET %s as another partnership's panel: status %d, want 404", p, r.Status)
			}
		}
		// Downloading it is audited.
		n := w.auditTotal(t)
		w.must(t, http.StatusOK, lcPanel, "GET", "/api/v1/reports/"+rep.ID+"/content", nil)
		w.expectAudit(t, "download restricted", n, lcEvent{"data.exported", "review_report", rep.ID, lcPanel})
	})
}

// Two confirmations at once (a double click that reached two requests) create the
// recommendations once: one is answered 201, the other 409.
func TestReportConfirmTwiceAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		rep := rpUpload(t, w, review, "ms-a.txt", extracttest.Text(extracttest.DHR))
		body := map[string]any{"proposals": []map[string]any{
			{"number": "1", "text": extracttest.DHRTexts[0], "scope": "local", "page": 3},
			{"number": "2", "text": extracttest.DHRTexts[1], "scope": "local", "page": 3}}}
		statuses := make(chan int, 2)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- w.send(lcPanel, "POST", "/api/v1/reports/"+rep.ID+"/confirm", body).Status
			}()
		}
		wg.Wait()
		close(statuses)
		var got []int
		for s := range statuses {
			got = append(got, s)
		}
		slices.Sort(got)
		if !slices.Equal(got, []int{http.StatusCreated, http.StatusConflict}) {
			t.Errorf("statuses %v, want one 201 and one 409", got)
		}
		var recs struct{ Items []rpRec }
		w.get(t, lcPanel, "/api/v1/recommendations?review_id="+review, &recs)
		if len(recs.Items) != 2 {
			t.Errorf("%d recommendations, want 2", len(recs.Items))
		}
	})
}

// A text export that numbers its pages as the report printed them ("<< Page 12 >>") proposes
// and records those numbers.
func TestReportPagesAsPrinted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		text := "<< Page 12 >>\nSummary of the review.\n<< Page 13 >>\nRecommendations\n1. Eastvale Police should audit DASH risk assessments.\n"
		rep := rpUpload(t, w, review, "export.txt", []byte(text))
		if rep.Pages != 13 || len(rep.Proposals) != 1 || rep.Proposals[0].Page != 13 {
			t.Fatalf("report %+v", rep)
		}
		p := rep.Proposals[0]
		var out struct{ Items []rpRec }
		w.must(t, http.StatusCreated, lcPanel, "POST", "/api/v1/reports/"+rep.ID+"/confirm", map[string]any{"proposals": []map[string]any{
			{"number": p.Number, "text": p.Text, "scope": "local", "page": p.Page}}}).JSON(t, &out)
		if len(out.Items) != 1 || out.Items[0].SourcePage == nil || *out.Items[0].SourcePage != 13 {
			t.Errorf("created %+v", out.Items)
		}
	})
}

// A recommendation the report recalls from another investigation comes back marked "recalled";
// the report's own carry no such field.
func TestReportUploadMarksRecalledRecommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w, review := rpStart(t, dialect)
		text := "Fictional inquiry report\n5. Recommendations\nPrevious recommendations\n" +
			"5.1. On 2 March 2019 the Commission recommended that Eastmere Council light the footpath (012/19).\n" +
			"New recommendations\n5.2. On 4 May 2026 the Commission recommended that Eastmere Council audit its referrals (008/26).\n"
		rep := rpUpload(t, w, review, "inquiry.txt", []byte(text))
		if len(rep.Proposals) != 2 || rep.Proposals[0].Recalled == nil || !*rep.Proposals[0].Recalled || rep.Proposals[1].Recalled != nil {
			t.Fatalf("proposals %+v", rep.Proposals)
		}
	})
}
