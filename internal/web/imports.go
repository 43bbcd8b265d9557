package web

import (
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// Importing a review's action plan (issue 12 item 2), as POST /api/v1/imports does and through
// the same runner (importer.Jobs): upload the spreadsheet, which is checked first (a dry run);
// read the report of its problems; resolve lead agencies that match no organisation by choosing
// one of the suggested matches or confirming a new organisation; import; and see what was
// created, updated and left unchanged. Each step is a plain form; a running job's page reloads
// itself until the job ends.

func (h *Handler) importRoutes(r gin.IRoutes) {
	r.GET("/reviews/:id/import", h.importForm)
	r.POST("/reviews/:id/import", h.upload)
	r.GET("/imports/:id", h.importJob)
	r.POST("/imports/:id/run", h.runImport)
}

// uploads keeps each checked file, in memory, so that the person can import it after reading
// the report without choosing it again. A file lost to a restart is simply uploaded again.
type uploads struct {
	mu sync.Mutex
	m  map[string]*upload // by job id
}

type upload struct {
	userID, reviewID string
	fileName         string
	data             []byte
	at               time.Time
	outcome          *actionplan.Outcome // set when the job ends
}

// At most maxUploadsKept files and maxUploadBytesKept bytes are kept, each for uploadKeptFor;
// the oldest go first.
const (
	maxUploadsKept     = 32
	maxUploadBytesKept = 64 << 20
	uploadKeptFor      = time.Hour
)

func (u *uploads) put(id string, up *upload, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[string]*upload{}
	}
	for k, v := range u.m {
		if now.Sub(v.at) > uploadKeptFor {
			delete(u.m, k)
		}
	}
	u.m[id] = up
	for {
		size, oldest := 0, ""
		for k, v := range u.m {
			size += len(v.data)
			if k != id && (oldest == "" || v.at.Before(u.m[oldest].at)) { // never the one just kept
				oldest = k
			}
		}
		if len(u.m) <= 1 || (len(u.m) <= maxUploadsKept && size <= maxUploadBytesKept) {
			return
		}
		delete(u.m, oldest)
	}
}

func (u *uploads) get(id, userID string) (upload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	up, ok := u.m[id]
	if !ok || up.userID != userID {
		return upload{}, false
	}
	return *up, true
}

func (u *uploads) finished(up *upload, out actionplan.Outcome) {
	u.mu.Lock()
	defer u.mu.Unlock()
	up.outcome = &out
}

type importFormData struct {
	Review casereview.Review
}

// importReview reads the review and checks the caller may import into it (as the API does).
func (h *Handler) importReview(c *gin.Context, id string) (casereview.Review, bool) {
	ctx := c.Request.Context()
	if h.o.Imports == nil {
		h.fail(c, &casereview.Error{Code: casereview.CodeUnavailable, Message: "Imports are not available on this service."})
		return casereview.Review{}, false
	}
	r, err := h.svc.GetReview(ctx, id)
	if err != nil {
		h.fail(c, err)
		return r, false
	}
	if a := casereview.ActorFrom(ctx); !casereview.CanStartImport(a) || !casereview.CanImportInto(a, r.PartnershipID) {
		h.fail(c, casereview.Deny(a, "only the review's panel may import its action plan"))
		return r, false
	}
	return r, true
}

func (h *Handler) importForm(c *gin.Context) {
	r, ok := h.importReview(c, c.Param("id"))
	if !ok {
		return
	}
	p := h.page(c, "Upload an action plan", importFormData{Review: r})
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "import-form", p)
}

// upload checks the file (a dry run) and shows its job.
func (h *Handler) upload(c *gin.Context) {
	r, ok := h.importReview(c, c.Param("id"))
	if !ok {
		return
	}
	data, name, err := uploadedFile(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var problem string
	switch ext := strings.ToLower(path.Ext(name)); {
	case data == nil:
		problem = "Select an action plan file"
	case ext != ".csv" && ext != ".xlsx":
		problem = "The selected file must be a CSV or XLSX spreadsheet"
	case len(data) == 0:
		problem = "The selected file is empty"
	}
	if problem != "" {
		p := h.page(c, "Upload an action plan", importFormData{Review: r})
		p.Nav, p.Errors = "reviews", []FieldProblem{{"file", problem}}
		h.render(c, http.StatusUnprocessableEntity, "import-form", p)
		return
	}
	h.startImport(c, &upload{reviewID: r.ID, fileName: name, data: data}, r, true, nil, false)
}

// startImport starts a job for up and shows it.
func (h *Handler) startImport(c *gin.Context, up *upload, r casereview.Review, dry bool, matches map[string]string, create bool) {
	ctx := c.Request.Context()
	ticket, err := h.o.Imports.Admit()
	if err != nil {
		h.fail(c, err)
		return
	}
	defer func() { ticket.Done() }() // unless the job took it over
	fresh := &upload{userID: casereview.ActorFrom(ctx).UserID, reviewID: up.reviewID, fileName: up.fileName, data: up.data, at: h.now()}
	job, err := h.o.Imports.Start(ctx, &ticket, importer.Upload{Kind: "actionplan", FileName: up.fileName, Data: up.data,
		Review: casereview.ReviewDraft{PartnershipID: r.PartnershipID, Reference: r.Reference}, DryRun: dry,
		Matches: matches, CreateOrganisations: create, Finished: func(out actionplan.Outcome) { h.uploads.finished(fresh, out) }})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.uploads.put(job.ID, fresh, h.now())
	c.Redirect(http.StatusSeeOther, "/imports/"+job.ID)
}
