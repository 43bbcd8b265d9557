package web

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// An area's baseline populations (issue 15 §2), uploaded by admins as CSV for the equality
// page's relative rates: the current ones listed, and a form to paste a characteristic's CSV.
// Every problem of the file is reported by row and column; nothing is kept when there is one.

type baselinesData struct {
	Partnership     casereview.Partnership
	Baselines       []casereview.Baseline
	Characteristics []casereview.CharacteristicDef
}

func (h *Handler) baselines(c *gin.Context) {
	if !h.requireAdmin(c) {
		return
	}
	h.renderBaselines(c, http.StatusOK, nil)
}

func (h *Handler) renderBaselines(c *gin.Context, status int, probs []FieldProblem) {
	ctx := c.Request.Context()
	p, err := h.svc.GetPartnership(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	bs, err := h.sums.Baselines(ctx, p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	page := h.page(c, "Baseline populations of "+p.Name, baselinesData{Partnership: p, Baselines: bs, Characteristics: casereview.Characteristics})
	page.Nav, page.Errors = "admin", probs
	if probs != nil {
		page.Form = c.Request.PostForm
	}
	h.render(c, status, "admin-baselines", page)
}

var csvField = regexp.MustCompile(`^row\[(\d+)\]\.(\w+)$`)

func (h *Handler) uploadBaseline(c *gin.Context) {
	if !h.requireAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	f := c.Request.PostForm
	char := f.Get("characteristic")
	groups, err := casereview.ParseBaselineCSV(char, []byte(strings.TrimSpace(f.Get("csv"))+"\n"))
	if err == nil {
		err = h.sums.UploadBaseline(ctx, casereview.Baseline{PartnershipID: c.Param("id"), Characteristic: char, Groups: groups, Source: f.Get("source")})
	}
	if err == nil {
		h.done(c, "Baseline population saved", "/admin/partnerships/"+c.Param("id")+"/baselines")
		return
	}
	var de *casereview.Error
	if !errors.As(err, &de) || de.Code != casereview.CodeInvalid {
		h.fail(c, err)
		return
	}
	var probs []FieldProblem
	for _, fe := range de.Fields {
		field, msg := fe.Field, sentence(fe.Message)
		if m := csvField.FindStringSubmatch(fe.Field); m != nil {
			field, msg = "csv", "Row "+m[1]+", "+m[2]+": "+fe.Message
		} else if fe.Field == "file" {
			field = "csv"
		}
		probs = append(probs, FieldProblem{Field: field, Message: msg})
	}
	if len(probs) == 0 {
		probs = problemsOf(err)
	}
	h.renderBaselines(c, http.StatusUnprocessableEntity, probs)
}
