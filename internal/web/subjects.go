package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The subjects of a review (issue 15 §2): special category data. The review page only says
// that they exist and links here, so that opening them is a deliberate act; this page's read is
// audited by the service (subject.read), as each edit form's is. Who may read or write is
// decided by the service; the pages only avoid offering what it would refuse.

type subjectsView struct {
	Review   casereview.Review
	Subjects []subjectView
	CanWrite bool
}

type subjectView struct {
	casereview.Subject
	Rows []subjectRow
}

type subjectRow struct{ Label, Value string }

func describeSubject(s casereview.Subject) subjectView {
	v := subjectView{Subject: s}
	for _, c := range casereview.RecordedCharacteristics() {
		v.Rows = append(v.Rows, subjectRow{Label: c.Label, Value: c.GroupLabel(s.Trait(c.Key))})
	}
	return v
}

var subjectRoles = []struct{ Value, Label string }{{"victim", "Victim"}, {"perpetrator", "Perpetrator or alleged perpetrator"},
	{"child", "Child"}, {"adult_at_risk", "Adult at risk"}}

type subjectFormView struct {
	Review          casereview.Review
	Subject         *casereview.Subject
	Roles           []struct{ Value, Label string }
	Characteristics []casereview.CharacteristicDef
}

func (h *Handler) subjects(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	xs, err := h.svc.ListSubjects(ctx, r.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := subjectsView{Review: r, CanWrite: casereview.CanWriteSubjects(casereview.ActorFrom(ctx), r.PartnershipID)}
	for _, x := range xs {
		v.Subjects = append(v.Subjects, describeSubject(x))
	}
	p := h.page(c, "Subjects of "+r.Reference, v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "subjects", p)
}

func (h *Handler) subjectForm(c *gin.Context) {
	v, ok := h.writableSubject(c)
	if !ok {
		return
	}
	p := h.page(c, subjectFormTitle(v), v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "subject-form", p)
}

func subjectFormTitle(v *subjectFormView) string {
	if v.Subject != nil {
		return "Change a subject"
	}
	return "Add a subject"
}

// subjectFormView loads the review and, when editing, the subject (a read, audited).
func (h *Handler) subjectFormView(c *gin.Context) (*subjectFormView, error) {
	ctx := c.Request.Context()
	r, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		return nil, err
	}
	v := &subjectFormView{Review: r, Roles: subjectRoles, Characteristics: casereview.RecordedCharacteristics()}
	if sid := c.Param("sid"); sid != "" {
		x, err := h.svc.GetSubject(ctx, r.ID, sid)
		if err != nil {
			return nil, err
		}
		v.Subject = &x
	}
	return v, nil
}

var subjectWords = map[string]string{
	"role:required":      "Select who the subject is in the review",
	"role:unknown_value": "Select who the subject is in the review",
}

func (h *Handler) saveSubject(c *gin.Context) {
	ctx := c.Request.Context()
	f := c.Request.PostForm
	d := casereview.SubjectDraft{Role: casereview.SubjectRole(f.Get("role")), Traits: map[casereview.Characteristic]string{}}
	for _, ch := range casereview.RecordedCharacteristics() {
		d.Traits[ch.Key] = f.Get(string(ch.Key))
	}
	var err error
	if sid := c.Param("sid"); sid != "" {
		_, err = h.svc.UpdateSubject(ctx, c.Param("id"), sid, postedVersion(c, "version"), d)
	} else {
		_, err = h.svc.CreateSubject(ctx, c.Param("id"), d)
	}
	if err == nil {
		h.done(c, "Subject saved", "/reviews/"+c.Param("id")+"/subjects")
		return
	}
	problems := plainProblems(err, subjectWords)
	if problems == nil {
		h.fail(c, err)
		return
	}
	v, verr := h.subjectFormView(c)
	if verr != nil {
		h.fail(c, verr)
		return
	}
	p := h.page(c, subjectFormTitle(v), v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "subject-form", p)
}

// removeSubjectForm asks before a subject is removed (GOV.UK's pattern for what cannot be undone).
func (h *Handler) removeSubjectForm(c *gin.Context) {
	v, ok := h.writableSubject(c)
	if !ok {
		return
	}
	p := h.page(c, "Remove this subject?", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "subject-remove", p)
}

// removeSubject removes a subject (the service checks who may, and the version, and audits it).
func (h *Handler) removeSubject(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.svc.DeleteSubject(ctx, c.Param("id"), c.Param("sid"), postedVersion(c, "version")); err != nil {
		h.fail(c, err)
		return
	}
	h.done(c, "Subject removed", "/reviews/"+c.Param("id")+"/subjects")
}

// writableSubject loads the form's review (and subject) for someone who may write its subjects;
// anyone else is answered here, and ok is false.
func (h *Handler) writableSubject(c *gin.Context) (*subjectFormView, bool) {
	v, err := h.subjectFormView(c)
	if err == nil && !casereview.CanWriteSubjects(casereview.ActorFrom(c.Request.Context()), v.Review.PartnershipID) {
		err = casereview.Forbidden("only the panel of the review's partnership records its subjects")
	}
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return v, true
}
