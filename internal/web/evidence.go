package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/download"
)

// Attaching evidence to an action (a file uploaded into the database, or a link to where the
// proof lives) and downloading an uploaded file. Files are always sent as downloads, never shown
// in this origin: an uploaded HTML or SVG file must not run as our page.

type evidenceFormView struct {
	Rec     casereview.Recommendation
	Heading string
	Action  casereview.Action
	OrgName string
	Types   []string
}

func init() {
	for k, v := range map[string]string{"policy_document": "Policy or procedure document", "training_record": "Training record",
		"audit_result": "Audit result", "minutes": "Minutes of a meeting", "data_extract": "Data extract"} {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
}

func (h *Handler) evidenceFormView(ctx context.Context, id string) (*evidenceFormView, error) {
	x, err := h.svc.GetAction(ctx, id)
	if err != nil {
		return nil, err
	}
	rec, err := h.svc.GetRecommendation(ctx, x.RecommendationID)
	if err != nil {
		return nil, err
	}
	rv, err := h.reviewOf(ctx, rec)
	if err != nil {
		return nil, err
	}
	if !casereview.CanWriteAction(casereview.ActorFrom(ctx), rv.PartnershipID, x.OrganisationID) {
		return nil, errNoActionRights
	}
	v := &evidenceFormView{Rec: rec, Heading: recommendationHeading(rec), Action: x, Types: casereview.EvidenceTypes}
	for _, ad := range rec.Addressees {
		if ad.OrganisationID == x.OrganisationID {
			v.OrgName = ad.OrganisationName
		}
	}
	return v, nil
}

func (h *Handler) evidenceForm(c *gin.Context) {
	v, err := h.evidenceFormView(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Add evidence", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "evidence-form", p)
}

func (h *Handler) addEvidence(c *gin.Context) {
	ctx := c.Request.Context()
	// The CSRF check has parsed the form (multipart included) within the body limit.
	f := c.Request.PostForm
	d := casereview.EvidenceDraft{Title: f.Get("title"), EvidenceType: f.Get("evidence_type")}
	var problems []FieldProblem
	kind := f.Get("kind")
	switch kind {
	case "file":
		// With no file chosen the content stays nil: the service then reports it together with
		// every other problem (a missing description too), so one correction pass is enough.
		content, name, err := uploadedFile(c)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Content, d.Filename = content, name
	case "link":
		d.URL = f.Get("url")
	default:
		problems = append(problems, FieldProblem{Field: "kind", Message: "Choose whether to upload a file or give a link"})
	}
	if len(problems) == 0 {
		e, err := h.svc.AddEvidence(ctx, c.Param("id"), d)
		if err == nil {
			h.done(c, "Evidence added", "/recommendations/"+e.RecommendationID)
			return
		}
		if problems = plainProblems(err, evidenceFormWords); problems == nil {
			h.fail(c, err)
			return
		}
		for i := range problems {
			switch {
			case problems[i].Field == "filename":
				problems[i].Field = "file" // the name comes with the file
			case problems[i].Field == "url" && kind == "file":
				// Neither a link nor a file: for someone uploading, the file is what is missing.
				problems[i] = FieldProblem{Field: "file", Message: "Select the file to upload"}
			}
		}
	}
	v, err := h.evidenceFormView(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Add evidence", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "evidence-form", p)
}

// evidenceFormWords words the domain's problems with new evidence for the person adding it.
var evidenceFormWords = map[string]string{
	"title:required": "Enter a description of the evidence",
	"title:too_long": "The description must be 300 characters or fewer",
	"url:required":   "Enter the web address of the evidence",
	"url:invalid":    "Enter a web address starting with https://",
}

// uploadedFile returns the bytes and name of the file posted as "file", or nil when none was
// chosen (browsers send an empty part).
func uploadedFile(c *gin.Context) ([]byte, string, error) {
	fh, err := c.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) || (err == nil && fh.Filename == "" && fh.Size == 0) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", &casereview.Error{Code: casereview.CodeMalformed, Message: "The upload could not be read. Try again.", Err: err}
	}
	r, err := fh.Open()
	if err != nil {
		return nil, "", &casereview.Error{Code: casereview.CodeMalformed, Message: "The upload could not be read. Try again.", Err: err}
	}
	defer r.Close()
	content, err := io.ReadAll(r)
	if err != nil {
		return nil, "", &casereview.Error{Code: casereview.CodeMalformed, Message: "The upload could not be read. Try again.", Err: err}
	}
	if content == nil {
		content = []byte{}
	}
	return content, fh.Filename, nil
}

// evidenceFile sends an uploaded file as a download with its stored media type.
func (h *Handler) evidenceFile(c *gin.Context) {
	e, content, err := h.svc.EvidenceContent(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	hd := c.Writer.Header()
	download.Uploaded(hd, e.Filename)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	mediaType := e.MediaType
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	c.Data(http.StatusOK, mediaType, content)
}
