package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/extract/extracttest"
	"github.com/casereview/casereview/internal/webtest"
)

// uploadReport posts a file as the review's report, with the form's token.
func uploadReport(t *testing.T, b *webtest.Browser, reviewID, name string, content []byte) *webtest.Page {
	t.Helper()
	form := b.Get("/reviews/" + reviewID + "/report").Must(http.StatusOK)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", form.CSRF())
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return b.PostRaw("/reviews/"+reviewID+"/report", w.FormDataContentType(), &body)
}

// newDemoReview records a new, empty DHR of the demo's Eastmere partnership.
func newDemoReview(t *testing.T, s *webtest.Site, ref string) casereview.Review {
	t.Helper()
	_, part := s.ScopeID("Eastmere Community Safety Partnership")
	rv, err := s.API.App.Store().CreateReview(webtest.System(), casereview.ReviewDraft{Type: "DHR", PartnershipID: part, Reference: ref,
		Title: "Mr B", Status: casereview.ReviewInProgress, Visibility: casereview.VisibilityShared})
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

// The whole journey without JavaScript: upload the sample report, merge two proposals, split
// one at a marker, drop one, confirm; the recommendations exist with their pages, the report is
// listed on the review, and a second confirmation adds nothing.
func TestAddRecommendationsFromTheReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		rv := newDemoReview(t, s, "EM-DHR-2026-09")
		b := s.Browser()
		b.SignIn("panel@example.test")
		if p := b.Get("/reviews/" + rv.ID).Must(http.StatusOK); !p.Has(`a[href="/reviews/` + rv.ID + `/report"]`) {
			t.Fatal("the review page has no link to add recommendations from the report")
		}

		// A file that is not a report is refused at the field.
		p := uploadReport(t, b, rv.ID, "photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"))
		p.Must(http.StatusUnprocessableEntity)
		if got := p.Text("#file-error"); !strings.Contains(got, "must be a PDF, a Word document") {
			t.Errorf("file error = %q", got)
		}
		if p := uploadReport(t, b, rv.ID, "notes.txt", []byte("Panel minutes.\nNothing was decided.\n")).Must(http.StatusUnprocessableEntity); !strings.Contains(p.Text("#file-error"), "No recommendations were found") {
			t.Errorf("file error = %q", p.Text("#file-error"))
		}

		p = uploadReport(t, b, rv.ID, "dhr-mr-b-fictional.docx", extracttest.DOCX(extracttest.Demo)).Must(http.StatusOK)
		if !strings.HasSuffix(p.URL, "/proposals") {
			t.Fatalf("after the upload the browser is at %s", p.URL)
		}
		path := p.URL
		form := formOf(p, "#proposals")
		if form.Get("count") != "5" || form.Get("p0-number") != "1" || form.Get("p3-number") != "4" || form.Get("p4-page") != "4" {
			t.Fatalf("proposals form = %v", form)
		}
		if police := orgID(s, "Eastmere and Vale Police"); form.Get("p0-org") != police {
			t.Errorf("recommendation 1 is not addressed to the police: %v", form["p0-org"])
		}
		if len(form["p0-theme"]) == 0 {
			t.Errorf("recommendation 1 has no suggested theme")
		}

		// Merge 4 into 3.
		form.Set("op", "merge-2")
		p = b.Post(path, form).Must(http.StatusOK)
		form = formOf(p, "#proposals")
		if form.Get("count") != "4" || !strings.Contains(form.Get("p2-text"), "repairs staff") || len(form["p2-org"]) != 2 || form.Get("p3-number") != "5" {
			t.Fatalf("after the merge: %v", form)
		}
		// A split without the marker says how.
		form.Set("op", "split-0")
		p = b.Post(path, form).Must(http.StatusOK)
		if got := p.Text("#proposals-0-text-error"); !strings.Contains(got, "type --- on a line of its own") {
			t.Errorf("split error = %q; errors %q", got, p.Errors())
		}
		form = formOf(p, "#proposals")
		form.Set("p0-text", "Eastmere and Vale Police should make sure that every DASH risk assessment is reviewed by a supervisor within 24 hours.\n---\nEastmere and Vale Police should audit a sample each quarter.")
		form.Set("op", "split-0")
		p = b.Post(path, form).Must(http.StatusOK)
		form = formOf(p, "#proposals")
		if form.Get("count") != "5" || form.Get("p1-number") != "1b" || form.Get("p1-text") != "Eastmere and Vale Police should audit a sample each quarter." {
			t.Fatalf("after the split: %v", form)
		}
		if n := len(recommendationsOf(t, s, rv.ID)); n != 0 {
			t.Fatalf("%d recommendations exist before confirming", n)
		}
		// A problem in one proposal is shown at it, and nothing is added.
		form.Set("p1-number", "1")
		form.Set("op", "confirm")
		p = b.Post(path, form).Must(http.StatusUnprocessableEntity)
		if !p.Has("#proposals-1-number-error") {
			t.Errorf("duplicate number: errors %q", p.Errors())
		}
		if n := len(recommendationsOf(t, s, rv.ID)); n != 0 {
			t.Fatalf("a refused confirmation added %d recommendations", n)
		}
		// Drop the last one and confirm.
		form.Set("p1-number", "1b")
		form.Set("p4-drop", "yes")
		p = b.Post(path, form).Must(http.StatusOK)
		if !strings.HasSuffix(p.URL, "/reviews/"+rv.ID) || !strings.Contains(p.Body, "4 recommendations added from the report") {
			t.Fatalf("after confirming: %s", p.URL)
		}
		recs := recommendationsOf(t, s, rv.ID)
		pages := map[string]int{}
		for _, r := range recs {
			pages[r.Number] = r.SourcePage
			if r.SourceReportID == "" {
				t.Errorf("recommendation %s names no report", r.Number)
			}
		}
		if len(recs) != 4 || pages["1"] != 3 || pages["1b"] != 3 || pages["3"] != 3 || pages["2"] != 3 {
			t.Fatalf("recommendations %v", pages)
		}
		// The review lists its report, for download; a recommendation names its page.
		p = b.Get("/reviews/" + rv.ID).Must(http.StatusOK)
		if !p.Has("#report-downloads a[href$='/file']") {
			t.Error("the review page does not list its report")
		}
		for _, r := range recs {
			if r.Number == "3" {
				rp := b.Get("/recommendations/" + r.ID).Must(http.StatusOK)
				if got := rp.Text("#recommendation-source"); got != "From the report, page 3" {
					t.Errorf("source = %q", got)
				}
				dl := b.Get("/reports/" + r.SourceReportID + "/file").Must(http.StatusOK)
				if !bytes.Equal([]byte(dl.Body), extracttest.DOCX(extracttest.Demo)) || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
					t.Error("the report download differs from the upload")
				}
			}
		}
		// A second confirmation (a double submit) adds nothing.
		p = b.Post(path, form).Must(http.StatusOK)
		if !strings.Contains(p.Body, "had already been added") {
			t.Errorf("second confirmation: %s", p.URL)
		}
		if n := len(recommendationsOf(t, s, rv.ID)); n != 4 {
			t.Errorf("%d recommendations after a second confirmation", n)
		}
		// The form of a confirmed report says so, and offers nothing to confirm.
		p = b.Get(path).Must(http.StatusOK)
		if !strings.Contains(p.Text("#report-confirmed"), "added 4 recommendations") || p.Has("#proposals") {
			t.Errorf("confirmed report's page: %q", p.Text("#report-confirmed"))
		}
	})
}

// Only the review's panel adds its report; whoever may read the review downloads it.
func TestOnlyThePanelAddsTheReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		s.User("other@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("viewer@example.test", casereview.RoleViewer, "")
		rv := newDemoReview(t, s, "EM-DHR-2026-10")
		rep, err := s.API.App.Store().UploadReport(webtest.System(), rv.ID, "mr-b.txt", extracttest.Text(extracttest.Demo))
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"other@example.test", "police@example.test", "viewer@example.test"} {
			b := s.Browser()
			b.SignIn(who)
			b.Get("/reviews/" + rv.ID + "/report").Must(http.StatusForbidden)
			b.Get("/reports/" + rep.ID + "/proposals").Must(http.StatusForbidden)
			b.Post("/reports/"+rep.ID+"/proposals", url.Values{"op": {"confirm"}, "count": {"1"}, "p0-number": {"1"}, "p0-text": {"x"}, "scope": {"local"}}).
				Must(http.StatusForbidden)
			if p := b.Get("/reviews/" + rv.ID).Must(http.StatusOK); p.Has(`a[href="/reviews/`+rv.ID+`/report"]`) || !p.Has("#report-downloads") {
				t.Errorf("%s: the review page offers the upload, or does not list the report", who)
			}
			b.Get("/reports/" + rep.ID + "/file").Must(http.StatusOK)
		}
		if n := len(recommendationsOf(t, s, rv.ID)); n != 0 {
			t.Errorf("%d recommendations were added by people who may not", n)
		}
	})
}

// A recommendation the report recalls from another investigation is shown, marked, with "Do not
// add this one" ticked; confirming the form as it comes adds only the report's own, and the
// mark survives a re-render (a merge elsewhere on the form).
func TestRecalledProposalStartsUnticked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		rv := newDemoReview(t, s, "EM-DHR-2026-10")
		b := s.Browser()
		b.SignIn("panel@example.test")
		report := "Fictional inquiry report\n5. Recommendations\nPrevious recommendations\n" +
			"5.1. On 2 March 2019 the Commission recommended that Eastmere Council light the footpath (012/19).\n" +
			"New recommendations\n" +
			"5.2. On 4 May 2026 the Commission recommended that Eastmere and Vale Police review its DASH training (007/26).\n" +
			"5.3. On 4 May 2026 the Commission recommended that Eastmere Council audit its referrals (008/26).\n"
		p := uploadReport(t, b, rv.ID, "inquiry.txt", []byte(report)).Must(http.StatusOK)
		path := p.URL
		form := formOf(p, "#proposals")
		if form.Get("count") != "3" || form.Get("p0-number") != "012/19" || form.Get("p0-drop") != "yes" || form.Get("p1-drop") != "" || form.Get("p2-drop") != "" {
			t.Fatalf("proposals form = %v", form)
		}
		if !strings.Contains(p.Text("#proposals-0-heading"), "Recalled from another investigation") || !p.Has("#proposals-0-drop-hint") {
			t.Errorf("the recalled row does not say so: %q", p.Text("#proposals-0-heading"))
		}
		form.Set("op", "merge-1")
		p = b.Post(path, form).Must(http.StatusOK)
		form = formOf(p, "#proposals")
		if form.Get("count") != "2" || form.Get("p0-drop") != "yes" || !p.Has("#proposals-0-drop-hint") {
			t.Fatalf("after a merge the recalled mark is lost: %v", form)
		}
		form.Set("op", "confirm")
		b.Post(path, form).Must(http.StatusOK)
		recs := recommendationsOf(t, s, rv.ID)
		if len(recs) != 1 || recs[0].Number != "007/26" {
			t.Fatalf("recommendations %+v, want only 007/26 (merged with 008/26)", recs)
		}
	})
}
