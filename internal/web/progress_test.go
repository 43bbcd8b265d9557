package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// offeredMoves are the status values the progress form offers, the "no change" choice left out.
func offeredMoves(p *webtest.Page) []casereview.ImplementationStatus {
	var out []casereview.ImplementationStatus
	for _, n := range p.Doc.Find(`input[name="status"]`).Nodes {
		for _, a := range n.Attr {
			if a.Key == "value" && a.Val != "" {
				out = append(out, casereview.ImplementationStatus(a.Val))
			}
		}
	}
	return out
}

func TestProgressOffersTheDomainsMoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		editor := actorOf(s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police"))
		overseer := actorOf(s.User("oversight@example.test", casereview.RoleOversight, ""))
		rec := demoRec(t, s, "EM-DHR-2021-02", "6")
		rv, err := st.GetReview(webtest.System(), rec.ReviewID)
		if err != nil {
			t.Fatal(err)
		}
		x := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")

		check := func(who string, b *webtest.Browser, a casereview.Actor) *webtest.Page {
			t.Helper()
			cur, err := st.GetAction(webtest.System(), x.ID)
			if err != nil {
				t.Fatal(err)
			}
			p := b.Get("/actions/" + x.ID + "/progress").Must(http.StatusOK)
			var want []casereview.ImplementationStatus
			for _, m := range casereview.ActionMovesFor(a, rv.PartnershipID, cur.OrganisationID, cur.ImplementationStatus) {
				want = append(want, casereview.ImplementationStatus(m.To))
			}
			if got := offeredMoves(p); !slices.Equal(got, want) {
				t.Errorf("%s, from %s: offered %v, the domain allows %v", who, cur.ImplementationStatus, got, want)
			}
			return p
		}

		p := check("editor", b, editor)
		if !p.Has(`input[name="status"][value=""][checked]`) {
			t.Error("'no change' is not the default")
		}
		// A note alone.
		b.Post("/actions/"+x.ID+"/progress", url.Values{"version": {strconv.Itoa(x.Version)}, "status": {""}, "narrative": {"Scoping started."}}).Must(http.StatusOK)
		b.Post("/actions/"+x.ID+"/progress", url.Values{"version": {strconv.Itoa(x.Version + 1)}, "status": {"in_progress"}, "narrative": {"Under way."}}).Must(http.StatusOK)
		p = check("editor", b, editor)

		// Claiming completion without an outcome or evidence: the domain's errors, at the fields.
		cur, _ := st.GetAction(webtest.System(), x.ID)
		if cur.ImplementationStatus != casereview.ImplInProgress {
			t.Fatalf("status = %s", cur.ImplementationStatus)
		}
		if cur.Outcome != nil {
			// Clear the demo's outcome, so the claim lacks one.
			d := cur.Draft()
			d.Outcome = nil
			if cur, err = st.UpdateAction(webtest.System(), x.ID, cur.Version, d); err != nil {
				t.Fatal(err)
			}
		}
		p = b.Get("/actions/" + x.ID + "/progress")
		if !strings.Contains(p.Text("#status-choices"), "needs at least one item of evidence") {
			t.Errorf("the hint does not explain the evidence needed: %q", p.Text("#status-choices"))
		}
		p = b.Post("/actions/"+x.ID+"/progress", url.Values{"version": {strconv.Itoa(cur.Version)}, "status": {"implemented_pending_verification"},
			"narrative": {"Done, we think."}, "outcome": {""}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#outcome-error") || !p.Has("#evidence-error") || len(p.Errors()) != 2 {
			t.Errorf("errors = %q", p.Errors())
		}
		if got := p.Doc.Find("textarea#narrative").Text(); got != "Done, we think." {
			t.Errorf("the note was not kept: %q", got)
		}
		if !p.Has(`input[name="status"][value="implemented_pending_verification"][checked]`) {
			t.Error("the chosen status was not kept")
		}

		// With evidence and an outcome the claim is accepted, and oversight is offered its moves.
		if _, err := st.AddEvidence(webtest.System(), x.ID, casereview.EvidenceDraft{Title: "Report", URL: "https://example.org/report"}); err != nil {
			t.Fatal(err)
		}
		b.Post("/actions/"+x.ID+"/progress", url.Values{"version": {strconv.Itoa(cur.Version)}, "status": {"implemented_pending_verification"},
			"narrative": {"Done."}, "outcome": {"All 1,200 officers trained."}}).Must(http.StatusOK)
		cur, _ = st.GetAction(webtest.System(), x.ID)
		if cur.ImplementationStatus != casereview.ImplPending || cur.Outcome == nil || *cur.Outcome != "All 1,200 officers trained." {
			t.Fatalf("after the claim: %+v", cur)
		}
		check("editor", b, editor) // nothing left to move: only a note
		ob := s.Browser()
		ob.SignIn("oversight@example.test")
		p = check("oversight", ob, overseer)
		if len(offeredMoves(p)) != 2 {
			t.Errorf("oversight offered %v", offeredMoves(p))
		}

		// A stale version: nothing changes, the person sees the current status and keeps the note.
		p = b.Post("/actions/"+x.ID+"/progress", url.Values{"version": {strconv.Itoa(cur.Version - 1)}, "narrative": {"Late note."}}).Must(http.StatusConflict)
		if !p.Has("#changed") || p.Doc.Find("textarea#narrative").Text() != "Late note." {
			t.Errorf("stale progress page: changed %v, note %q", p.Has("#changed"), p.Doc.Find("textarea#narrative").Text())
		}
		if v, _ := p.Doc.Find(`input[name="version"]`).Attr("value"); v != strconv.Itoa(cur.Version) {
			t.Errorf("version after a stale post = %s, want %d", v, cur.Version)
		}
	})
}

// upload builds a multipart evidence form, with the page's CSRF token as a field.
func upload(t *testing.T, csrf string, fields map[string]string, filename string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields["csrf_token"] = csrf
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &body
}

func TestEvidenceUploadAndDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "6")
		x := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")

		p := b.Get("/actions/" + x.ID + "/evidence/new").Must(http.StatusOK)
		if enc, _ := p.Doc.Find("form[enctype]").Attr("enctype"); enc != "multipart/form-data" {
			t.Errorf("form enctype = %q", enc)
		}
		if hint := p.Text("#file-hint"); !strings.Contains(hint, "10 MB") || !strings.Contains(hint, "PDF") {
			t.Errorf("file hint = %q", hint)
		}

		// An HTML file is not evidence: the domain's error, at the file field.
		ct, body := upload(t, p.CSRF(), map[string]string{"kind": "file", "title": "Page", "evidence_type": "other"}, "page.html",
			[]byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"))
		p = b.PostRaw("/actions/"+x.ID+"/evidence/new", ct, body).Must(http.StatusUnprocessableEntity)
		if !p.Has("#file-error") || len(p.Errors()) != 1 {
			t.Errorf("errors for an HTML upload = %q", p.Errors())
		}
		if v, _ := p.Doc.Find("#title").Attr("value"); v != "Page" {
			t.Errorf("title not kept: %q", v)
		}

		// A file over the form limit is answered as too large (not as a form without its token),
		// and nothing is written.
		ct, body = upload(t, p.CSRF(), map[string]string{"kind": "file", "title": "Huge", "evidence_type": "other"}, "huge.txt",
			bytes.Repeat([]byte("a"), 12<<20))
		if big := b.PostRaw("/actions/"+x.ID+"/evidence/new", ct, body); big.Status != http.StatusRequestEntityTooLarge ||
			!strings.Contains(big.Text("main"), "larger than") {
			t.Errorf("a 12 MB upload: %d %q", big.Status, big.Text("main h1"))
		}
		if ev, err := st.ListEvidence(webtest.System(), x.ID); err != nil || len(ev) != 0 {
			t.Fatalf("evidence after the refused uploads: %v %v", ev, err)
		}

		content := []byte("Attendance at the strangulation input, Q3 2026\nofficers trained: 1148 of 1210\n")
		ct, body = upload(t, p.CSRF(), map[string]string{"kind": "file", "title": "Attendance report", "evidence_type": "training_record"}, "attendance.txt", content)
		p = b.PostRaw("/actions/"+x.ID+"/evidence/new", ct, body).Must(http.StatusOK)
		if !strings.Contains(p.Text(".govuk-notification-banner"), "Evidence added") {
			t.Errorf("banner = %q", p.Text(".govuk-notification-banner"))
		}
		ev, err := st.ListEvidence(webtest.System(), x.ID)
		if err != nil || len(ev) != 1 || ev[0].Kind != "file" || ev[0].EvidenceType != "training_record" {
			t.Fatalf("evidence = %+v (%v)", ev, err)
		}
		href := "/evidence/" + ev[0].ID + "/file"
		if !p.Has(`#action-` + x.ID + ` a[href="` + href + `"]`) {
			t.Error("the page does not link the file")
		}
		f := b.Get(href).Must(http.StatusOK)
		if f.Body != string(content) {
			t.Errorf("downloaded %q, want %q", f.Body, content)
		}
		if cd := f.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "attendance.txt") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if f.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(f.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("headers = %v", f.Header)
		}

		// A link, and the choice left unmade.
		p = b.Get("/actions/" + x.ID + "/evidence/new")
		p = b.Post("/actions/"+x.ID+"/evidence/new", url.Values{"title": {"Policy"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#kind-error") {
			t.Errorf("no error for the missing choice: %q", p.Errors())
		}
		p = b.Post("/actions/"+x.ID+"/evidence/new", url.Values{"kind": {"link"}, "title": {"Policy"}, "evidence_type": {"policy_document"}, "url": {"not a url"}}).
			Must(http.StatusUnprocessableEntity)
		if !p.Has("#url-error") || p.Doc.Find("#url").AttrOr("value", "") != "not a url" {
			t.Errorf("bad link: errors %q", p.Errors())
		}
		b.Post("/actions/"+x.ID+"/evidence/new", url.Values{"kind": {"link"}, "title": {"Policy"}, "evidence_type": {"policy_document"},
			"url": {"https://example.org/policy"}}).Must(http.StatusOK)
		if ev, _ = st.ListEvidence(webtest.System(), x.ID); len(ev) != 2 || ev[1].URL != "https://example.org/policy" {
			t.Fatalf("evidence = %+v", ev)
		}
		// A link has no file to download.
		b.Get("/evidence/" + ev[1].ID + "/file").Must(http.StatusNotFound)
	})
}
