package web

import (
	"cmp"
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// reviewsPageSize is how many reviews the list shows at a time.
const reviewsPageSize = 25

type reviewsData struct {
	Reviews      []reviewRow
	Total        int64
	Next         string // the link to the next page, "" on the last
	First        string // the link back to the first page, "" on it
	Types        []casereview.ReviewType
	Partnerships []option
	Statuses     []casereview.ReviewStatus
	Filtered     bool
	CanRecord    bool
}

type reviewRow struct {
	casereview.Review
	PartnershipName string
	TypeLabel       string
}

// option is one choice of a select.
type option struct {
	Value   string
	Text    string
	Aliases string // other names it goes by, for the filter that enhances a long select
}

// reviews lists the reviews the person may see, newest first, with filters as a plain GET form.
func (h *Handler) reviews(c *gin.Context) {
	ctx := c.Request.Context()
	f := casereview.ReviewFilter{Type: c.Query("type"), PartnershipID: c.Query("partnership_id"),
		Status: casereview.ReviewStatus(c.Query("status")), Text: strings.TrimSpace(c.Query("q"))}
	limit, cur := reviewsPageSize, c.Query("cursor")
	page, err := casereview.ParsePageRequest(&limit, &cur)
	if err != nil {
		page = casereview.PageRequest{Limit: reviewsPageSize} // an old or edited link starts again
	}
	types, err := h.svc.ListReviewTypes(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	parts, err := h.partnershipOptions(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := reviewsData{Types: types, Partnerships: parts, Statuses: casereview.ReviewStatuses,
		Filtered:  f.Type != "" || f.PartnershipID != "" || f.Status != "" || f.Text != "",
		CanRecord: casereview.ActorFrom(ctx).HasRole(casereview.RolePanel)}
	p := h.page(c, "Reviews", &d)
	p.Nav = "reviews"
	p.Form = c.Request.URL.Query()
	res, err := h.svc.ListReviews(ctx, f, page)
	if probs := problemsOf(err); probs != nil {
		p.Errors = probs
		h.render(c, http.StatusBadRequest, "reviews", p)
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	names := map[string]string{}
	for _, o := range parts {
		names[o.Value] = o.Text
	}
	typeLabels := map[string]string{}
	for _, t := range types {
		typeLabels[t.Code] = t.Label
	}
	for _, r := range res.Items {
		d.Reviews = append(d.Reviews, reviewRow{Review: r, PartnershipName: names[r.PartnershipID], TypeLabel: typeLabels[r.Type]})
	}
	d.Total = res.Total
	q := c.Request.URL.Query()
	if res.NextCursor != "" {
		q.Set("cursor", res.NextCursor)
		d.Next = "/reviews?" + q.Encode()
	}
	if cur != "" {
		q.Del("cursor")
		d.First = "/reviews?" + q.Encode()
	}
	h.render(c, http.StatusOK, "reviews", p)
}

// partnershipOptions lists every partnership by name.
func (h *Handler) partnershipOptions(ctx context.Context) ([]option, error) {
	var out []option
	pr := casereview.PageRequest{Limit: casereview.MaxPageSize}
	for {
		res, err := h.svc.ListPartnerships(ctx, casereview.PartnershipFilter{}, pr)
		if err != nil {
			return nil, err
		}
		for _, p := range res.Items {
			out = append(out, option{Value: p.ID, Text: p.Name})
		}
		if res.NextCursor == "" || len(res.Items) == 0 {
			break
		}
		pr.After = res.Items[len(res.Items)-1].ID
	}
	slices.SortFunc(out, func(a, b option) int { return cmp.Compare(a.Text, b.Text) })
	return out, nil
}

type reviewData struct {
	Follow          followView
	Review          casereview.Review
	TypeLabel       string
	PartnershipName string
	Recommendations []casereview.Recommendation
	Reports         []casereview.ReviewReport
	CanManage       bool
	CanReadSubjects bool // oversight and the partnership's panel: the Subjects section
}

// review shows one review and its recommendations.
func (h *Handler) review(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	recs, err := h.reviewRecommendations(ctx, r.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := reviewData{Review: r, Recommendations: recs, TypeLabel: r.Type,
		CanManage:       casereview.CanManageReview(casereview.ActorFrom(ctx), r.PartnershipID),
		CanReadSubjects: casereview.CanReadSubjects(casereview.ActorFrom(ctx), r.PartnershipID)}
	if t, err := h.svc.GetReviewType(ctx, r.Type); err == nil {
		d.TypeLabel = t.Label
	}
	if d.Reports, err = h.svc.ListReports(ctx, r.ID); err != nil {
		h.fail(c, err)
		return
	}
	if names, err := h.svc.Names(ctx, "partnership", []string{r.PartnershipID}); err == nil {
		d.PartnershipName = names[r.PartnershipID]
	}
	on, shown := h.followingOf(c, casereview.FollowReview, r.ID)
	d.Follow = followView{Shown: shown, Following: on, Action: "/reviews/" + r.ID + "/follow", What: "review"}
	p := h.page(c, r.Reference+": "+r.Title, d)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "review", p)
}

// reviewRecommendations lists every recommendation of a review in the order of their numbers.
func (h *Handler) reviewRecommendations(ctx context.Context, reviewID string) ([]casereview.Recommendation, error) {
	var out []casereview.Recommendation
	pr := casereview.PageRequest{Limit: casereview.MaxPageSize}
	for {
		res, err := h.svc.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: reviewID}, pr)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Items...)
		if res.NextCursor == "" || len(res.Items) == 0 {
			break
		}
		pr.After = res.Items[len(res.Items)-1].ID
	}
	slices.Reverse(out) // lists come newest first; a tie in numbers keeps the order recorded
	slices.SortStableFunc(out, func(a, b casereview.Recommendation) int { return compareNumbers(a.Number, b.Number) })
	return out, nil
}

// compareNumbers orders numbers as printed naturally: 2 before 10, 3a before 3b, R4 before R12.
func compareNumbers(a, b string) int {
	for a != "" && b != "" {
		da, db := unicode.IsDigit(rune(a[0])), unicode.IsDigit(rune(b[0]))
		if da && db {
			na, ra := leadingNumber(a)
			nb, rb := leadingNumber(b)
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = ra, rb
			continue
		}
		if c := cmp.Compare(strings.ToLower(a[:1]), strings.ToLower(b[:1])); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:min(i, 9)])
	return n, s[i:]
}

// actionPlan downloads a review's action plan as a spreadsheet or CSV, through the same code as
// the API's export (which also records the export in the audit trail).
func (h *Handler) actionPlan(c *gin.Context) {
	format := c.DefaultQuery("format", actionplan.FormatXLSX)
	if format != actionplan.FormatXLSX && format != actionplan.FormatCSV {
		h.fail(c, casereview.NotFound("page"))
		return
	}
	f, err := actionplan.Download(c.Request.Context(), h.svc, c.Param("id"), format)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Data(http.StatusOK, f.ContentType, f.Body)
}

// reviewTagColours: a review's status as a tag colour (the text always names it).
var reviewTagColours = map[casereview.ReviewStatus]string{casereview.ReviewCommissioned: "grey",
	casereview.ReviewInProgress: "blue", casereview.ReviewSubmittedForQA: "yellow", casereview.ReviewPublished: "green",
	casereview.ReviewWithdrawn: "red"}

func reviewTagClass(s casereview.ReviewStatus) string {
	return "govuk-tag govuk-tag--" + cmp.Or(reviewTagColours[s], "grey")
}

func init() {
	extraFuncs["firstWords"] = firstWords
	extraFuncs["reviewTagClass"] = reviewTagClass
	extraFuncs["lower"] = strings.ToLower
	extraFuncs["toInt"] = func(n int64) int { return int(n) }
	labels["submitted_for_qa"] = "Submitted for quality assurance"
	labels["restricted"] = "Restricted"
	labels["shared"] = "Shared with all users"
	labels["public"] = "Public"
}
