package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Evidence through the API (DESIGN §4): a file's type is read from its bytes, never from its
// name; links must be web addresses; downloads are attachments that cannot run in the
// application's origin; hidden evidence is missing; downloading restricted material is audited;
// identical files are stored once.

// evStart is a public review with one recommendation addressed to the police and one police
// action, made by the panel and the police editor.
func evStart(t *testing.T, dialect string) *lcLife {
	t.Helper()
	w := lcStart(t, dialect)
	review := w.newReview(t, "EV-EVIDENCE-1", map[string]any{"status": "published", "published_on": w.clk.today(), "visibility": "public"})
	l := &lcLife{w: w, rec: w.newRecommendation(t, review, "1", w.clk.today())}
	l.action = evAction(t, w, l.rec, lcEditor)
	return l
}

// evAction adds a police action to rec as role and returns its id.
func evAction(t *testing.T, w *lcWorld, rec, role string) string {
	t.Helper()
	var a lcAction
	w.must(t, http.StatusCreated, role, "POST", "/api/v1/recommendations/"+rec+"/actions",
		map[string]any{"organisation_id": w.police, "description": "Publish the revised referral policy."}).JSON(t, &a)
	return a.ID
}

// refuseUpload posts a multipart body that must be refused as want says, writing nothing.
func (l *lcLife) refuseUpload(t *testing.T, what string, want problemWant, role string, body []byte, contentType string) {
	t.Helper()
	before := l.snapshot(t)
	path := "/api/v1/actions/" + l.action + "/evidence"
	r := l.w.send(role, "POST", path, body, "Content-Type", contentType)
	if r.Status != want.Status {
		t.Errorf("%s: status %d, want %d: %.300s", what, r.Status, want.Status, r.Body)
		return
	}
	checkProblem(t, r, path, want)
	if after := l.snapshot(t); after != before {
		t.Errorf("%s: refused but changed the record: before %+v, after %+v", what, before, after)
	}
}

func evUpload(t *testing.T, l *lcLife, role, filename string, content []byte) lcEvidence {
	t.Helper()
	r := l.w.upload(t, role, l.action, filename, "Evidence "+filename, content)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload %s: status %d: %.300s", filename, r.Status, r.Body)
	}
	var e lcEvidence
	r.JSON(t, &e)
	return e
}

// Sample contents, by what they really are.
var (
	evPNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), make([]byte, 32)...)
	evELF  = append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00"), make([]byte, 104)...)
	evEXE  = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 112)...)
	evHTML = []byte("<!DOCTYPE html>\n<html><head><title>Minutes</title></head><body><script>fetch('/api/v1/me')</script></body></html>\n")
	evSVG  = []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)
)

func TestEvidenceTypeCheckedByContent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		l := evStart(t, dialect)
		upload := func(filename string, content []byte, fields ...string) ([]byte, string) {
			if fields == nil {
				fields = []string{"title", "A document"}
			}
			return lcMultipart(t, filename, content, fields...)
		}
		for _, c := range []struct {
			what, filename string
			content        []byte
			code           string
		}{
			{"a PNG named as a PDF", "report.pdf", evPNG, "type_mismatch"},
			{"a PDF named as a picture", "scan.png", lcPDF(1), "type_mismatch"},
			{"an ELF binary named as a PDF", "report.pdf", evELF, "unsupported_type"},
			{"an ELF binary", "tool", evELF, "unsupported_type"},
			{"a Windows executable", "setup.exe", evEXE, "unsupported_type"},
			{"a Windows executable named as a PDF", "report.pdf", evEXE, "unsupported_type"},
			{"an HTML page", "minutes.html", evHTML, "unsupported_type"},
			{"an HTML page named as text", "minutes.txt", evHTML, "unsupported_type"},
			{"an SVG with script", "chart.svg", evSVG, "unsupported_type"},
		} {
			body, ct := upload(c.filename, c.content)
			l.refuseUpload(t, c.what, lcInvalid(fieldErr{"file", c.code, ""}), lcEditor, body, ct)
		}

		// Size: just over the limit is a field error; far over it, the body itself is refused.
		over := append(lcPDF(1), make([]byte, 10<<20)...)
		body, ct := upload("big.pdf", over[:10<<20+1])
		l.refuseUpload(t, "a file one byte over 10 MiB", lcInvalid(fieldErr{"file", "too_long", ""}), lcEditor, body, ct)
		body, ct = upload("huge.pdf", append(over, make([]byte, 1<<20)...))
		l.refuseUpload(t, "a file of 11 MiB", problemWant{Status: http.StatusRequestEntityTooLarge, Type: "too_large"}, lcEditor, body, ct)

		// The form itself.
		body, ct = upload("empty.pdf", []byte{})
		l.refuseUpload(t, "an empty file", lcInvalid(fieldErr{"file", "required", ""}), lcEditor, body, ct)
		body, ct = upload("", nil)
		l.refuseUpload(t, "no file", lcInvalid(fieldErr{"file", "required", ""}), lcEditor, body, ct)
		body, ct = upload("policy.pdf", lcPDF(1), "evidence_type", "minutes")
		l.refuseUpload(t, "no title", lcInvalid(fieldErr{"title", "required", ""}), lcEditor, body, ct)
		body, ct = upload("policy.pdf", lcPDF(1), "title", "Policy", "evidence_type", "rumour")
		l.refuseUpload(t, "an unknown evidence type", lcInvalid(fieldErr{"evidence_type", "unknown_value", ""}), lcEditor, body, ct)
		body, ct = upload("policy.pdf", lcPDF(1), "title", "Policy", "colour", "blue")
		l.refuseUpload(t, "an unknown field", problemWant{Status: http.StatusBadRequest, Type: "malformed",
			Errors: []fieldErr{{"colour", "unknown_field", ""}}}, lcEditor, body, ct)
		// Who may upload is checked before what.
		body, ct = upload("report.pdf", evELF)
		l.refuseUpload(t, "another agency", lcForbidden, lcOther, body, ct)

		// What is accepted is recorded as what it really is.
		for _, c := range []struct {
			filename string
			content  []byte
			media    string
		}{
			{"chart.png", evPNG, "image/png"},
			{"Report.PDF", lcPDF(3), "application/pdf"},
			{"minutes.txt", []byte("Minutes of the panel, 3 March.\nAgreed: <b>revise</b> the policy.\n"), "text/plain"},
		} {
			e := evUpload(t, l, lcEditor, c.filename, c.content)
			if e.Kind != "file" || e.MediaType == nil || *e.MediaType != c.media || e.Filename == nil || *e.Filename != c.filename ||
				e.SizeBytes == nil || *e.SizeBytes != int64(len(c.content)) || e.EvidenceType != "policy_document" || e.Status != "pending" {
				t.Errorf("%s: %+v", c.filename, e)
			}
		}
	})
}

func TestEvidenceLinkValidated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		l := evStart(t, dialect)
		path := "/api/v1/actions/" + l.action + "/evidence"
		for _, c := range []struct {
			body map[string]any
			errs []fieldErr
		}{
			{map[string]any{"title": "Policy", "url": "ftp://files.example.org/policy.pdf"}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": "javascript:alert(document.cookie)"}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": "file:///etc/passwd"}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": "/api/v1/me"}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": "https://"}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": "https://example.org/" + strings.Repeat("a", 2000)}, []fieldErr{{"url", "invalid", ""}}},
			{map[string]any{"title": "Policy", "url": ""}, []fieldErr{{"url", "required", ""}}},
			{map[string]any{"title": "", "url": "https://example.org/policy"}, []fieldErr{{"title", "required", ""}}},
			{map[string]any{"title": "Policy", "url": "https://example.org/policy", "evidence_type": "rumour"}, []fieldErr{{"evidence_type", "unknown_value", ""}}},
		} {
			l.refuse(t, lcInvalid(c.errs...), lcEditor, "POST", path, c.body)
		}
		link := map[string]any{"title": "Revised referral policy", "url": "https://intranet.example.org/policies/referral?v=2", "evidence_type": "policy_document"}
		l.refuse(t, lcForbidden, lcOther, "POST", path, link)
		l.refuse(t, lcForbidden, lcOversight, "POST", path, link)
		l.refuse(t, lcUnauthorised, lcAnon, "POST", path, link)
		l.refuse(t, lcNotFound, lcEditor, "POST", "/api/v1/actions/"+unknownID+"/evidence", link)

		n := l.w.auditTotal(t)
		var e lcEvidence
		l.w.must(t, http.StatusCreated, lcEditor, "POST", path, link).JSON(t, &e)
		if e.Kind != "link" || e.URL == nil || *e.URL != link["url"] || e.Filename != nil || e.MediaType != nil || e.SizeBytes != nil ||
			e.SHA256 != nil || e.Status != "pending" || e.EvidenceType != "policy_document" {
			t.Errorf("link evidence: %+v", e)
		}
		l.w.expectAudit(t, "link evidence", n, lcEvent{"evidence.added", "evidence", e.ID, lcEditor})
		// A link has no content to download.
		l.refuse(t, lcNotFound, lcEditor, "GET", "/api/v1/evidence/"+e.ID+"/content", nil)
		var got lcEvidence
		l.w.get(t, lcOther, "/api/v1/evidence/"+e.ID, &got)
		if got.ID != e.ID || got.URL == nil || *got.URL != link["url"] {
			t.Errorf("GET link evidence: %+v", got)
		}
	})
}

// evCheckDownload asserts that r is content, served so that a browser saves it and never runs it.
func evCheckDownload(t *testing.T, r apitest.Response, content []byte, filename string) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("download: status %d: %s", r.Status, r.Body)
	}
	if !bytes.Equal(r.Body, content) {
		t.Errorf("download: %d bytes differ from the %d uploaded", len(r.Body), len(content))
	}
	if cl := r.Header.Get("Content-Length"); cl != strconv.Itoa(len(content)) {
		t.Errorf("download: Content-Length %q, want %d", cl, len(content))
	}
	disp, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != filename {
		t.Errorf("download: Content-Disposition %q (%v); want attachment with filename %q", r.Header.Get("Content-Disposition"), err, filename)
	}
	// Whatever the stored type, the bytes go out as an opaque download that is not sniffed and,
	// were it ever rendered, could run nothing.
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("download: Content-Type %q, want application/octet-stream", ct)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: X-Content-Type-Options %q", r.Header.Get("X-Content-Type-Options"))
	}
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("download: Content-Security-Policy %q lacks sandbox and default-src 'none'", csp)
	}
}

func TestEvidenceContentDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		l := evStart(t, dialect)
		w := l.w
		pdf := lcPDF(7)
		text := []byte("Minutes of the panel\n<script>alert('not here')</script>\n")
		for _, c := range []struct {
			filename, media string
			content         []byte
		}{
			{"training-register.pdf", "application/pdf", pdf},
			{`Minutes "draft" – été.txt`, "text/plain", text},
		} {
			e := evUpload(t, l, lcEditor, c.filename, c.content)
			sum := sha256.Sum256(c.content)
			var meta lcEvidence
			w.get(t, lcOther, "/api/v1/evidence/"+e.ID, &meta)
			if meta.MediaType == nil || *meta.MediaType != c.media || meta.SHA256 == nil || *meta.SHA256 != hex.EncodeToString(sum[:]) ||
				meta.Filename == nil || *meta.Filename != c.filename {
				t.Errorf("%s: metadata %+v", c.filename, meta)
			}
			n := w.auditTotal(t)
			for _, role := range []string{lcEditor, lcOther, lcOversight, lcAnon} {
				evCheckDownload(t, w.send(role, "GET", "/api/v1/evidence/"+e.ID+"/content", nil), c.content, c.filename)
			}
			// Evidence of a public review is not restricted material: reading it is not audited.
			w.expectAudit(t, "public download", n)
		}
		l.refuse(t, lcNotFound, lcOversight, "GET", "/api/v1/evidence/"+unknownID+"/content", nil)
		l.refuse(t, lcNotFound, lcOversight, "GET", "/api/v1/evidence/not-an-id/content", nil)
	})
}

func TestEvidenceRestrictedReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := lcStart(t, dialect)
		review := w.newReview(t, "EV-RESTRICTED-1", map[string]any{"status": "submitted_for_qa"})
		l := &lcLife{w: w, rec: w.newRecommendation(t, review, "1", w.clk.today())}
		// The editor cannot see the review, so the panel keeps the action plan here.
		l.action = evAction(t, w, l.rec, lcPanel)
		pdf := lcPDF(9)
		e := evUpload(t, l, lcPanel, "case-notes.pdf", pdf)

		// To an agency editor outside the partnership, and not addressed, the evidence does not exist
		// (the addressed editor reads its recommendation: issue 13 §10).
		for _, path := range []string{"/api/v1/evidence/" + e.ID, "/api/v1/evidence/" + e.ID + "/content"} {
			hidden := l.refuse(t, lcNotFound, lcOther, "GET", path, nil)
			missing := w.send(lcOther, "GET", strings.Replace(path, e.ID, unknownID, 1), nil)
			if pmDetail(t, hidden) != pmDetail(t, missing) {
				t.Errorf("%s: hidden says %q, missing says %q", path, pmDetail(t, hidden), pmDetail(t, missing))
			}
			l.refuse(t, lcNotFound, lcAnon, "GET", path, nil)
		}
		l.refuse(t, lcNotFound, lcOther, "GET", "/api/v1/actions/"+l.action+"/evidence", nil)
		l.refuse(t, lcNotFound, lcOther, "POST", "/api/v1/evidence/"+e.ID+"/review", map[string]any{"decision": "verified"})
		body, ct := lcMultipart(t, "more.pdf", lcPDF(10), "title", "More")
		l.refuseUpload(t, "upload by a hidden editor", lcNotFound, lcOther, body, ct)

		// Oversight downloads it, and the export is recorded; so is the panel's.
		for _, role := range []string{lcOversight, lcPanel} {
			n := w.auditTotal(t)
			evCheckDownload(t, w.send(role, "GET", "/api/v1/evidence/"+e.ID+"/content", nil), pdf, "case-notes.pdf")
			w.expectAudit(t, "restricted download by "+role, n, lcEvent{"data.exported", "evidence", e.ID, role})
		}
		// Reading the metadata is not an export.
		n := w.auditTotal(t)
		w.must(t, http.StatusOK, lcOversight, "GET", "/api/v1/evidence/"+e.ID, nil)
		w.expectAudit(t, "restricted metadata", n)
	})
}

func TestEvidenceSameBytesShareOneBlob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		l := evStart(t, dialect)
		w := l.w
		pdf := lcPDF(42)
		sum := sha256.Sum256(pdf)
		want := hex.EncodeToString(sum[:])
		first := evUpload(t, l, lcEditor, "policy.pdf", pdf)
		second := evUpload(t, l, lcEditor, "policy-copy.pdf", pdf)
		// The same bytes on another recommendation's action, by the panel.
		other := &lcLife{w: w, rec: w.newRecommendation(t, w.newReview(t, "EV-EVIDENCE-2",
			map[string]any{"status": "published", "published_on": w.clk.today(), "visibility": "public"}), "2", w.clk.today())}
		other.action = evAction(t, w, other.rec, lcPanel)
		third := evUpload(t, other, lcPanel, "annex.pdf", pdf)
		ids := map[string]bool{first.ID: true, second.ID: true, third.ID: true}
		if len(ids) != 3 {
			t.Fatalf("three uploads made %d evidence records", len(ids))
		}
		for _, e := range []lcEvidence{first, second, third} {
			if e.SHA256 == nil || *e.SHA256 != want {
				t.Errorf("evidence %s: sha256 %v, want %s", e.ID, e.SHA256, want)
			}
		}
		if n := evBlobs(t, w, want); n != 1 {
			t.Errorf("identical bytes are stored %d times, want once", n)
		}
		for _, e := range []lcEvidence{first, second, third} {
			evCheckDownload(t, w.send(lcEditor, "GET", "/api/v1/evidence/"+e.ID+"/content", nil), pdf, *e.Filename)
		}
		different := evUpload(t, l, lcEditor, "policy-v2.pdf", lcPDF(43))
		if different.SHA256 == nil || *different.SHA256 == want {
			t.Errorf("different bytes share the sha256 %v", different.SHA256)
		}
		if n := evBlobs(t, w, ""); n != 2 {
			t.Errorf("%d blobs stored for two distinct files", n)
		}
	})
}

// evBlobs counts the stored blobs, or those with sha when given.
func evBlobs(t *testing.T, w *lcWorld, sha string) int {
	t.Helper()
	db, err := w.st.SQLDB()
	lcOK(t, err, "database")
	q := "SELECT count(*) FROM blobs"
	if sha != "" {
		q += " WHERE sha256 = '" + sha + "'" // hex digits only
	}
	var n int
	lcOK(t, db.QueryRow(q).Scan(&n), q)
	return n
}
