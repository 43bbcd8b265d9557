package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The audit trail (issue 12 item 3), for oversight officers and admins as GET /api/v1/audit is:
// every event, newest first, filtered by person, organisation, record, action and dates (all in
// the address, so a filtered trail can be bookmarked and shared); one event's before and after
// side by side; and a button that verifies the whole chain.

func (h *Handler) auditRoutes(r gin.IRoutes) {
	r.GET("/audit", h.auditTrail)
	r.GET("/audit/events/:seq", h.auditEvent)
	r.POST("/audit/verify", h.verifyAudit)
}

const auditPageSize = 50

type auditData struct {
	Events        []auditLine
	Total         int64
	Older, Newest string // links to the next page and back to the first
	Actions       []optionGroup
	Organisations []optionGroup
	Tags          []filterTag // the filters in force, each removable
	Filtered      bool
	Check         *casereview.ChainCheck // after "Verify the chain"
}

type auditLine struct {
	casereview.AuditEvent
	Record string // a page for the entity, where there is one
}

type filterTag struct{ Label, Remove string }

// auditFilter reads the filter from the address; problems are reported at their fields.
func auditFilter(q url.Values) (casereview.AuditFilter, []FieldProblem) {
	f := casereview.AuditFilter{ActorUserID: q.Get("actor"), OrganisationID: q.Get("organisation"),
		EntityType: q.Get("entity_type"), EntityID: q.Get("entity_id"), Action: q.Get("action")}
	var probs []FieldProblem
	if f.Action != "" && !casereview.KnownAuditAction(casereview.AuditAction(f.Action)) {
		probs = append(probs, FieldProblem{"action", "Choose an action from the list"})
	}
	from, pf := postedDate(q, "from", "The date from")
	to, pt := postedDate(q, "to", "The date to")
	for _, p := range []*FieldProblem{pf, pt} {
		if p != nil {
			probs = append(probs, *p)
		}
	}
	if from != nil {
		t := from.Time()
		f.From = &t
	}
	if to != nil {
		t := to.Time().AddDate(0, 0, 1) // "to 3 March" includes the whole of 3 March
		f.To = &t
	}
	if from != nil && to != nil && to.Time().Before(from.Time()) {
		probs = append(probs, FieldProblem{"to", "The date to must be the same as or after the date from"})
	}
	return f, probs
}

func (h *Handler) auditTrail(c *gin.Context) { h.renderAudit(c, nil) }

func (h *Handler) renderAudit(c *gin.Context, check *casereview.ChainCheck) {
	ctx := c.Request.Context()
	if !casereview.CanReadAudit(casereview.ActorFrom(ctx)) {
		h.fail(c, casereview.Deny(casereview.ActorFrom(ctx), "only oversight officers and admins read the audit trail"))
		return
	}
	q := c.Request.URL.Query()
	f, probs := auditFilter(q)
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	orgs, err := h.organisationGroups(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := &auditData{Actions: auditActionOptions(), Organisations: orgs, Check: check}
	if len(probs) == 0 {
		res, err := h.svc.ListAudit(ctx, f, auditPageSize, before)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Total = res.Total
		for _, e := range res.Items {
			d.Events = append(d.Events, auditLine{AuditEvent: e, Record: recordPath(e.EntityType, e.EntityID)})
		}
		if res.Before > 0 {
			next := nonEmptyValues(q)
			next.Set("before", strconv.FormatInt(res.Before, 10))
			d.Older = "/audit?" + next.Encode()
		}
		if before > 0 {
			first := nonEmptyValues(q)
			first.Del("before")
			d.Newest = "/audit?" + first.Encode()
		}
	}
	actor := "one person"
	if len(d.Events) > 0 && f.ActorUserID != "" {
		actor = d.Events[0].ActorName // every event listed is theirs
	}
	d.Tags, d.Filtered = h.auditTags(c, q, f, actor), f != (casereview.AuditFilter{})
	p := h.page(c, "Audit trail", d)
	p.Nav, p.Errors, p.Form = "audit", probs, q
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "audit", p)
}

// auditTags names each filter in force, with the address that removes it.
func (h *Handler) auditTags(c *gin.Context, q url.Values, f casereview.AuditFilter, actor string) []filterTag {
	var tags []filterTag
	remove := func(keys ...string) string {
		v := nonEmptyValues(q)
		v.Del("before")
		for _, k := range keys {
			v.Del(k)
		}
		if len(v) == 0 {
			return "/audit"
		}
		return "/audit?" + v.Encode()
	}
	if f.ActorUserID != "" {
		tags = append(tags, filterTag{"By " + actor, remove("actor")})
	}
	if f.OrganisationID != "" {
		names, err := h.svc.Names(c.Request.Context(), "organisation", []string{f.OrganisationID})
		n := names[f.OrganisationID]
		if err != nil || n == "" {
			n = "an organisation"
		}
		tags = append(tags, filterTag{"Someone at " + n, remove("organisation")})
	}
	if f.EntityType != "" || f.EntityID != "" {
		tags = append(tags, filterTag{"Record: " + auditWords(f.EntityType) + " " + shortID(f.EntityID), remove("entity_type", "entity_id")})
	}
	if f.Action != "" {
		tags = append(tags, filterTag{auditWords(f.Action), remove("action")})
	}
	if f.From != nil {
		tags = append(tags, filterTag{"From " + f.From.Format("2 January 2006"), remove("from-day", "from-month", "from-year")})
	}
	if f.To != nil {
		tags = append(tags, filterTag{"To " + f.To.AddDate(0, 0, -1).Format("2 January 2006"), remove("to-day", "to-month", "to-year")})
	}
	return tags
}

func nonEmptyValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if len(v) > 0 && v[0] != "" {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

func init() {
	extraFuncs["auditWords"] = auditWords
	extraFuncs["shortID"] = shortID
	// The day and the time of an event on two lines, both in UK time (as dateTime shows them).
	extraFuncs["ukDay"] = func(t time.Time) string { return t.In(ukTime).Format("2 Jan 2006") }
	extraFuncs["clock"] = func(t time.Time) string { return t.In(ukTime).Format("3:04:05pm") }
}

// auditActionOptions offers the catalogue, grouped, labelled for people.
func auditActionOptions() []optionGroup {
	var out []optionGroup
	for _, g := range casereview.AuditActionGroups {
		og := optionGroup{Label: g.Label}
		for _, a := range g.Actions {
			og.Options = append(og.Options, option{Value: string(a), Text: auditWords(string(a))})
		}
		out = append(out, og)
	}
	return out
}

// auditWords turns "session.login_failed" into "Session login failed".
func auditWords(code string) string {
	return sentence(strings.NewReplacer(".", " ", "_", " ", "mfa", "MFA").Replace(code))
}

// shortID is the end of an id: ids are UUIDv7, whose first characters are a timestamp shared by
// records made together, so only the random end tells them apart at a glance.
func shortID(id string) string {
	if len(id) > 8 {
		return "…" + id[len(id)-8:]
	}
	return id
}

// recordPath is the page of an audited record, where it has one.
func recordPath(entityType, id string) string {
	switch entityType {
	case "recommendation":
		return "/recommendations/" + id
	case "review":
		return "/reviews/" + id
	}
	return ""
}

type auditEventData struct {
	Event   auditLine
	Changes []auditChange
	Before  string // the snapshots as indented JSON, when they are not objects
	After   string
}

type auditChange struct {
	Field, Before, After string
	Changed              bool
}

func (h *Handler) auditEvent(c *gin.Context) {
	ctx := c.Request.Context()
	seq, err := strconv.ParseInt(c.Param("seq"), 10, 64)
	if err != nil || seq < 1 {
		h.fail(c, casereview.NotFound("audit event"))
		return
	}
	res, err := h.svc.ListAudit(ctx, casereview.AuditFilter{}, 1, seq+1)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(res.Items) == 0 || res.Items[0].Seq != seq {
		h.fail(c, casereview.NotFound("audit event"))
		return
	}
	e := res.Items[0]
	d := auditEventData{Event: auditLine{AuditEvent: e, Record: recordPath(e.EntityType, e.EntityID)}}
	d.Changes, d.Before, d.After = snapshotChanges(e.Before, e.After)
	p := h.page(c, "Audit event "+strconv.FormatInt(seq, 10), d)
	p.Nav = "audit"
	h.render(c, http.StatusOK, "audit-event", p)
}

// snapshotChanges lays two JSON snapshots side by side, field by field. Snapshots that are not
// JSON objects come back as indented text instead.
func snapshotChanges(before, after string) ([]auditChange, string, string) {
	var b, a map[string]json.RawMessage
	bOK := before == "" || json.Unmarshal([]byte(before), &b) == nil
	aOK := after == "" || json.Unmarshal([]byte(after), &a) == nil
	if !bOK || !aOK {
		return nil, indentJSON(before), indentJSON(after)
	}
	var keys []string
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]auditChange, 0, len(keys))
	for _, k := range keys {
		bv, av := compactJSON(b[k]), compactJSON(a[k])
		out = append(out, auditChange{Field: k, Before: bv, After: av, Changed: before != "" && after != "" && bv != av})
	}
	return out, "", ""
}

func compactJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

func indentJSON(s string) string {
	var buf bytes.Buffer
	if s == "" || json.Indent(&buf, []byte(s), "", "  ") != nil {
		return s
	}
	return buf.String()
}

// verifyAudit checks the whole chain and shows the result above the trail. It is a post (with
// the form's token) because it reads every event: a link a crawler or a prefetch could follow
// would cost the database the same.
func (h *Handler) verifyAudit(c *gin.Context) {
	ctx := c.Request.Context()
	started := time.Now()
	r, err := h.svc.VerifyAudit(ctx, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.Info("web: audit chain verified", "ok", r.OK, "checked", r.Checked, "took", time.Since(started))
	h.renderAudit(c, &r)
}
