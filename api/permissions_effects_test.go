package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// What a write does to the database, checked around every write row of the permission matrix
// (issue 13 item 10): a refused write leaves everything as it was (no audit event, no row
// added, removed or moved on); a successful one appends exactly the audit events its operation
// names, about its target (or a record it creates), moves on only the records those events name,
// adds or removes rows only where its operation says, and really changes what it was asked to.

// pmVersioned are the tables whose rows carry a version; pmCounted are the others whose number
// of rows a write may change, with a few columns whose filling-in is a write too.
var (
	pmVersioned = []string{"partnerships", "organisations", "reviews", "recommendations", "actions", "users"}
	pmCounted   = map[string]string{
		"organisation_aliases": "count(*) FROM organisation_aliases", "addressees": "count(*) FROM addressees",
		"theme_assignments": "count(*) FROM theme_assignments", "memberships": "count(*) FROM memberships",
		"api_tokens": "count(*) FROM api_tokens", "api_tokens revoked": "count(revoked_at) FROM api_tokens",
		"sessions": "count(*) FROM sessions", "sessions revoked": "count(revoked_at) FROM sessions",
		"recovery_codes": "count(*) FROM recovery_codes", "responses": "count(*) FROM responses", "blobs": "count(*) FROM blobs",
		"evidence": "count(*) FROM evidence", "evidence reviewed": "count(reviewed_at) FROM evidence",
		"assessments": "count(*) FROM assessments", "recommendation_links": "count(*) FROM recommendation_links",
		"progress_updates": "count(*) FROM progress_updates", "theme_suggestion_rejections": "count(*) FROM theme_suggestion_rejections",
		"import_jobs": "count(*) FROM import_jobs", "recommendation_edits": "count(*) FROM recommendation_edits",
		"change_journal": "count(*) FROM change_journal",
		"review_reports": "count(*) FROM review_reports", "review_reports confirmed": "count(confirmed_at) FROM review_reports",
		"review_subjects": "count(*) FROM review_subjects", "equality_baselines": "count(*) FROM equality_baselines",
	}
)

// pmState is the database as the matrix compares it.
type pmState struct {
	seq      int64            // the audit trail's last event
	versions map[string]int   // "reviews/<id>" -> version, for every versioned row
	counts   map[string]int64 // by pmCounted name
}

type pmEvent struct{ Action, EntityType, EntityID string }

// pmEffect is what a successful write of one operation does.
type pmEffect struct {
	audit []string // the actions of the events it appends, in order
	// also: how many records of each table, besides those the events name, it moves on as
	// well, such as the recommendation an action's progress rolls up to.
	also map[string]int
	// keeps: the event names a record it does not change (a rejected suggestion is a row of
	// its own, about the recommendation).
	keeps bool
	rows  map[string]int64 // the change in each counted table (the journal too); every other stays as it was
}

// pmSQL is the state query, prepared once per database (prepareState).
func pmSQL(w *pmWorld) [2]string {
	var vs, cs []string
	for _, t := range pmVersioned {
		vs = append(vs, fmt.Sprintf("SELECT '%s', id, version FROM %s", t, t))
	}
	for _, name := range slices.Sorted(maps.Keys(pmCounted)) {
		cs = append(cs, fmt.Sprintf("SELECT '%s', %s", name, pmCounted[name]))
	}
	return [2]string{strings.Join(vs, " UNION ALL "), strings.Join(cs, " UNION ALL ") + " UNION ALL SELECT 'seq', coalesce(max(seq), 0) FROM audit_events"}
}

// prepareState prepares the state queries for the life of t: parsing the long unions cost more
// than running them.
func (w *pmWorld) prepareState(t *testing.T) {
	db, err := w.st.SQLDB()
	pmOK(t, err, "sql db")
	for i, q := range pmSQL(w) {
		w.stateSQL[i], err = db.PrepareContext(w.ctx, q)
		pmOK(t, err, "prepare the state query")
		t.Cleanup(func() { _ = w.stateSQL[i].Close() })
	}
}

func (w *pmWorld) state(t *testing.T) pmState {
	t.Helper()
	s := pmState{versions: map[string]int{}, counts: map[string]int64{}}
	rows, err := w.stateSQL[0].QueryContext(w.ctx)
	pmOK(t, err, "read versions")
	for rows.Next() {
		var table, id string
		var v int
		pmOK(t, rows.Scan(&table, &id, &v), "scan version")
		s.versions[table+"/"+id] = v
	}
	pmOK(t, rows.Close(), "versions")
	rows, err = w.stateSQL[1].QueryContext(w.ctx)
	pmOK(t, err, "read counts")
	for rows.Next() {
		var name string
		var n int64
		pmOK(t, rows.Scan(&name, &n), "scan count")
		if name == "seq" {
			s.seq = n
		} else {
			s.counts[name] = n
		}
	}
	pmOK(t, rows.Close(), "counts")
	return s
}

// events returns the audit events appended after seq.
func (w *pmWorld) events(t *testing.T, seq int64) []pmEvent {
	t.Helper()
	db, err := w.st.SQLDB()
	pmOK(t, err, "sql db")
	q := "SELECT action, entity_type, entity_id FROM audit_events WHERE seq > ? ORDER BY seq"
	if w.st.Dialect() == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := db.QueryContext(w.ctx, q, seq)
	pmOK(t, err, "read audit events")
	defer func() { _ = rows.Close() }()
	var out []pmEvent
	for rows.Next() {
		var e pmEvent
		pmOK(t, rows.Scan(&e.Action, &e.EntityType, &e.EntityID), "scan audit event")
		out = append(out, e)
	}
	return out
}

// pmTables maps an audit event's entity type to its versioned table.
var pmTables = map[string]string{"partnership": "partnerships", "organisation": "organisations", "review": "reviews",
	"recommendation": "recommendations", "action": "actions", "user": "users"}

// moved lists the versioned records whose version differs between a and b, or that one lacks.
func moved(a, b pmState) []string {
	var out []string
	for k, v := range a.versions {
		if bv, ok := b.versions[k]; !ok || bv != v {
			out = append(out, k)
		}
	}
	for k := range b.versions {
		if _, ok := a.versions[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkWrite compares the database before and after a write row.
// pmSendRefused sends writes that must be refused, one after another, and checks that together
// they left the database as it was: no audit event, no row added, removed or moved on. They were
// all built before the first is sent, which is sound because a refused write changes nothing
// the next one's building could read.
func pmSendRefused(t *testing.T, w *pmWorld, refused []pmPending) {
	t.Helper()
	if len(refused) == 0 {
		return
	}
	before := w.state(t)
	for _, p := range refused {
		pmCheckResponse(t, p.r.where(), p.r, w.send(p.r.role, p.r.method, p.q.path, p.q.body, p.q.ifMatch))
	}
	after := w.state(t)
	evs := w.events(t, before.seq)
	if len(evs) > 0 || !maps.Equal(before.counts, after.counts) || len(moved(before, after)) > 0 {
		var rows []string
		for _, p := range refused {
			rows = append(rows, p.r.where()+" "+p.q.path)
		}
		t.Errorf("refused writes changed the database: events %v, moved %v, counts %v; one of:\n  %s",
			evs, moved(before, after), pmCountDiff(before, after), strings.Join(rows, "\n  "))
	}
}

func (w *pmWorld) checkWrite(t *testing.T, where string, r pmRow, q pmReq, res pmResponse, before pmState) {
	t.Helper()
	after := w.state(t)
	evs := w.events(t, before.seq)
	if r.want >= 400 {
		if len(evs) > 0 || !maps.Equal(before.counts, after.counts) || len(moved(before, after)) > 0 {
			t.Errorf("%s: refused (%d), yet the database changed: events %v, moved %v, counts %v", where, r.want, evs,
				moved(before, after), pmCountDiff(before, after))
		}
		return
	}
	op := r.method + " " + r.path
	eff, ok := pmEffects[op]
	if !ok {
		t.Errorf("%s: no effect is stated for %s; it did: events %v, moved %v, counts %v", where, op, evs, moved(before, after), pmCountDiff(before, after))
		return
	}
	var actions []string
	named := map[string]bool{}
	for _, e := range evs {
		actions = append(actions, e.Action)
		if tb := pmTables[e.EntityType]; tb != "" {
			named[tb+"/"+e.EntityID] = true
		}
		// Each event is about the row's target, or about a record the write created.
		if !strings.Contains(q.path, e.EntityID) && before.versions[pmTables[e.EntityType]+"/"+e.EntityID] != 0 &&
			!pmMentions(q.body, e.EntityID) {
			t.Errorf("%s: event %s names %s %s, which the request does not", where, e.Action, e.EntityType, e.EntityID)
		}
	}
	if !slices.Equal(actions, eff.audit) {
		t.Errorf("%s: audit events %v, want %v", where, actions, eff.audit)
	}
	also := map[string]int{}
	for _, k := range moved(before, after) {
		table, _, _ := strings.Cut(k, "/")
		if !named[k] {
			also[table]++
		}
		delete(named, k)
	}
	if !maps.Equal(also, eff.also) && !(len(also) == 0 && len(eff.also) == 0) {
		t.Errorf("%s: records no audit event names moved on: %v, want %v", where, also, eff.also)
	}
	if len(named) > 0 && !eff.keeps {
		t.Errorf("%s: the audit trail names %v, which did not change", where, slices.Sorted(maps.Keys(named)))
	}
	for name, n := range after.counts {
		if d := n - before.counts[name]; d != eff.rows[name] {
			t.Errorf("%s: %s changed by %d rows, want %d", where, name, d, eff.rows[name])
		}
	}
	w.checkApplied(t, where, r, q, res)
}

func pmCountDiff(a, b pmState) map[string]int64 {
	out := map[string]int64{}
	for k, v := range b.counts {
		if d := v - a.counts[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func pmMentions(body any, id string) bool {
	if body == nil {
		return false
	}
	b, _ := json.Marshal(body)
	return strings.Contains(string(b), id)
}

// pmResponse is what checkApplied needs of the answer.
type pmResponse struct {
	location string
	body     []byte
}

// checkApplied re-reads, as an admin, what a successful write changed: a PATCH's fields are as
// sent; a created record is there with the fields sent; a deleted one is gone.
func (w *pmWorld) checkApplied(t *testing.T, where string, r pmRow, q pmReq, res pmResponse) {
	t.Helper()
	body, _ := q.body.(map[string]any)
	read := func(path string) (int, map[string]any) {
		who := pmAdmin
		switch {
		case strings.HasPrefix(path, "/api/v1/saved-searches/"): // only their owner reads them
			who = r.role
		case strings.Contains(path, "/subjects"): // special category data: admins may not read them
			who = pmOversight
		}
		g := w.send(who, "GET", path, nil, "")
		var got map[string]any
		if g.Status == http.StatusOK {
			_ = json.Unmarshal(g.Body, &got)
		}
		return g.Status, got
	}
	same := func(path string) {
		status, got := read(path)
		if status != http.StatusOK {
			t.Errorf("%s: GET %s after the write: status %d", where, path, status)
			return
		}
		for k, v := range body {
			if _, isMap := v.(map[string]any); isMap {
				continue
			}
			if _, isList := v.([]map[string]any); isList {
				continue
			}
			want, _ := json.Marshal(v)
			have, _ := json.Marshal(got[k])
			if _, ok := got[k]; ok && string(want) != string(have) {
				t.Errorf("%s: after the write %s is %s, want %s", where, k, have, want)
			}
		}
	}
	switch {
	case r.method == "PATCH":
		same(q.path)
	case r.method == "POST" && res.location != "":
		same(res.location)
	case r.method == "DELETE" && pmReadable(q.path):
		if status, _ := read(q.path); status != http.StatusNotFound {
			t.Errorf("%s: GET %s after the delete: status %d, want 404", where, q.path, status)
		}
	}
	if check := pmApplied[r.method+" "+r.path]; check != nil {
		if err := check(w, r.role, q, body); err != "" {
			t.Errorf("%s: %s", where, err)
		}
	}
}

// pmGet reads path as role and decodes it ("" and the status when it is not 200).
func (w *pmWorld) pmGet(role, path string) (any, int) {
	g := w.send(role, "GET", path, nil, "")
	var v any
	if g.Status == http.StatusOK {
		_ = json.Unmarshal(g.Body, &v)
	}
	return v, g.Status
}

// pmField returns the values at the dotted path k ("links.to_id") of a decoded answer, looking
// into every item of a list and of a page's "items".
func pmField(v any, k string) []any {
	if list, ok := v.([]any); ok {
		var out []any
		for _, it := range list {
			out = append(out, pmField(it, k)...)
		}
		return out
	}
	m, _ := v.(map[string]any)
	if items, ok := m["items"]; ok {
		return pmField(items, k)
	}
	head, rest, nested := strings.Cut(k, ".")
	x, ok := m[head]
	switch {
	case !ok:
		return nil
	case nested:
		return pmField(x, rest)
	}
	return []any{x}
}

// pmHolds reports whether the record at path, read as role, has field k equal to want.
func (w *pmWorld) pmHolds(role, path, k string, want any) string {
	v, status := w.pmGet(role, path)
	if status != http.StatusOK {
		return fmt.Sprintf("GET %s after the write: status %d", path, status)
	}
	for _, got := range pmField(v, k) {
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return ""
		}
	}
	return fmt.Sprintf("GET %s after the write: %s is %v, want %v among them", path, k, pmField(v, k), want)
}

// pmParent is the path without its last segment: the record an operation on a sub-resource acts on.
func pmParent(path string) string { return path[:strings.LastIndex(path, "/")] }

// pmApplied are the checks, beyond checkApplied's, that a write of an operation whose answer
// names no record to re-read really did what it was asked to. Each returns "" or what is wrong.
var pmApplied = map[string]func(w *pmWorld, role string, q pmReq, body map[string]any) string{
	"POST /api/v1/recommendations/{id}/assessments": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		return w.pmHolds(pmAdmin, pmParent(q.path), "oversight_status", b["classification"])
	},
	"POST /api/v1/recommendations/{id}/responses": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		return w.pmHolds(pmAdmin, q.path, "organisation_id", b["organisation_id"])
	},
	"POST /api/v1/recommendations/{id}/links": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		return w.pmHolds(pmAdmin, pmParent(q.path), "links.to_id", b["target_id"])
	},
	"POST /api/v1/recommendations/{id}/theme-suggestions/{code}/accept": func(w *pmWorld, _ string, q pmReq, _ map[string]any) string {
		return w.pmHolds(pmAdmin, strings.Split(q.path, "/theme-suggestions")[0], "themes.code", "C05")
	},
	"POST /api/v1/actions/{id}/progress": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		for k, field := range map[string]string{"status": "implementation_status", "outcome": "outcome"} {
			if v, ok := b[k]; ok {
				if err := w.pmHolds(pmAdmin, pmParent(q.path), field, v); err != "" {
					return err
				}
			}
		}
		// The narrative is on the recommendation's timeline.
		a, _ := w.pmGet(pmAdmin, pmParent(q.path))
		recs := pmField(a, "recommendation_id")
		if len(recs) != 1 {
			return fmt.Sprintf("GET %s after the write: no recommendation_id", pmParent(q.path))
		}
		want, ok := b["narrative"]
		if !ok {
			return ""
		}
		return w.pmHolds(pmAdmin, fmt.Sprintf("/api/v1/recommendations/%v/timeline", recs[0]), "narrative", want)
	},
	"POST /api/v1/actions/{id}/evidence": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		return w.pmHolds(pmAdmin, q.path, "title", b["title"])
	},
	"POST /api/v1/evidence/{id}/review": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		return w.pmHolds(pmAdmin, pmParent(q.path), "status", b["decision"])
	},
	"POST /api/v1/users/{id}/memberships": func(w *pmWorld, _ string, q pmReq, b map[string]any) string {
		v, _ := w.pmGet(pmAdmin, pmParent(q.path))
		if ms := pmField(v, "memberships.role"); len(ms) != 2 {
			return fmt.Sprintf("the user holds memberships %v, want two", ms)
		}
		return ""
	},
	"DELETE /api/v1/users/{id}/memberships/{membershipId}": func(w *pmWorld, _ string, q pmReq, _ map[string]any) string {
		v, _ := w.pmGet(pmAdmin, pmParent(pmParent(q.path)))
		if ids := pmField(v, "memberships.id"); len(ids) != 0 {
			return fmt.Sprintf("the user still holds memberships %v", ids)
		}
		return ""
	},
	"DELETE /api/v1/me/tokens/{id}": func(w *pmWorld, role string, q pmReq, _ map[string]any) string {
		v, _ := w.pmGet(role, "/api/v1/me/tokens")
		id := q.path[strings.LastIndex(q.path, "/")+1:]
		page, _ := v.(map[string]any)
		items, _ := page["items"].([]any)
		for _, tok := range items {
			if m, _ := tok.(map[string]any); m["id"] == id {
				if m["revoked_at"] == nil {
					return "the token is not revoked"
				}
				return ""
			}
		}
		return "the token is not listed"
	},
}

// pmReadable: the records a DELETE removes that a GET of the same path reads.
func pmReadable(path string) bool {
	for _, p := range []string{"/api/v1/partnerships/", "/api/v1/organisations/", "/api/v1/reviews/", "/api/v1/recommendations/", "/api/v1/actions/"} {
		if strings.HasPrefix(path, p) && !strings.HasSuffix(path, "/follow") {
			return true
		}
	}
	return false
}

// pmEffects states, for every operation a matrix row writes through, what a success does. Each
// searchable record written adds an entry to the change journal; an action's entry brings its
// recommendation's, whose search document holds its actions.
var pmEffects = func() map[string]pmEffect {
	one := func(actions ...string) []string { return actions }
	journal := func(n int64, more ...any) map[string]int64 {
		m := map[string]int64{"change_journal": n}
		for i := 0; i < len(more); i += 2 {
			m[more[i].(string)] = int64(more[i+1].(int))
		}
		return m
	}
	rec := map[string]int{"recommendations": 1} // the recommendation above, whose timeline or roll-up moves
	return map[string]pmEffect{
		"POST /api/v1/partnerships":        {audit: one("partnership.created"), rows: journal(1)},
		"PATCH /api/v1/partnerships/{id}":  {audit: one("partnership.updated"), rows: journal(1)},
		"DELETE /api/v1/partnerships/{id}": {audit: one("partnership.deleted"), rows: journal(1)},
		"POST /api/v1/organisations":       {audit: one("organisation.created"), rows: journal(1)},
		// The matrix gives each organisation one alias, where it had none.
		"PATCH /api/v1/organisations/{id}":  {audit: one("organisation.updated"), rows: journal(1, "organisation_aliases", 1)},
		"DELETE /api/v1/organisations/{id}": {audit: one("organisation.deleted"), rows: journal(1)},
		// Two fresh organisations: the merged one goes (its record is in the survivor's
		// organisation.merged event), its name becomes the survivor's alias.
		"POST /api/v1/organisations/{id}/merge": {audit: one("organisation.merged"), also: map[string]int{"organisations": 1},
			rows: journal(2, "organisations", -1, "organisation_aliases", 1, "organisation_redirects", 1)},
		"POST /api/v1/reviews":                      {audit: one("review.created"), rows: journal(1)},
		"PATCH /api/v1/reviews/{id}":                {audit: one("review.updated"), rows: journal(1)},
		"DELETE /api/v1/reviews/{id}":               {audit: one("review.deleted"), rows: journal(1)},
		"POST /api/v1/recommendations":              {audit: one("recommendation.created"), rows: journal(1, "addressees", 1)},
		"POST /api/v1/reviews/{id}/reports":         {audit: one("report.uploaded"), rows: map[string]int64{"review_reports": 1, "blobs": 1}},
		"POST /api/v1/reports/{id}/confirm":         {audit: one("recommendation.created", "report.confirmed"), rows: journal(1, "review_reports confirmed", 1)},
		"PATCH /api/v1/recommendations/{id}":        {audit: one("recommendation.updated"), rows: journal(1, "recommendation_edits", 1)},
		"DELETE /api/v1/recommendations/{id}":       {audit: one("recommendation.deleted"), rows: journal(1, "addressees", -2)},
		"POST /api/v1/recommendations/{id}/actions": {audit: one("action.created"), rows: journal(2)},
		"PATCH /api/v1/actions/{id}":                {audit: one("action.updated"), rows: journal(2)},
		"DELETE /api/v1/actions/{id}":               {audit: one("action.deleted"), rows: journal(2)},
		"POST /api/v1/recommendations/{id}/theme-suggestions/{code}/accept": {audit: one("theme_suggestion.accepted"),
			rows: journal(1, "theme_assignments", 1)},
		"POST /api/v1/recommendations/{id}/theme-suggestions/{code}/reject": {audit: one("theme_suggestion.rejected"), keeps: true,
			rows: map[string]int64{"theme_suggestion_rejections": 1}},
		"POST /api/v1/recommendations/{id}/responses": {audit: one("response.recorded"),
			rows: journal(1, "responses", 1, "progress_updates", 1)},
		"POST /api/v1/recommendations/{id}/assessments": {audit: one("recommendation.assessed"),
			rows: journal(1, "assessments", 1, "progress_updates", 1)},
		// A link is shown on both recommendations' timelines.
		"POST /api/v1/recommendations/{id}/links": {audit: one("link.added"), also: map[string]int{"recommendations": 2},
			rows: journal(2, "recommendation_links", 1, "progress_updates", 2)},
		"DELETE /api/v1/links/{id}": {audit: one("link.removed"), also: map[string]int{"recommendations": 2},
			rows: journal(2, "recommendation_links", -1)},
		"POST /api/v1/actions/{id}/progress": {audit: one("action.progressed"), also: rec, rows: journal(2, "progress_updates", 1)},
		"POST /api/v1/actions/{id}/evidence": {audit: one("evidence.added"), also: rec,
			rows: journal(1, "evidence", 1, "progress_updates", 1)},
		"POST /api/v1/evidence/{id}/review": {audit: one("evidence.reviewed"), also: rec,
			rows: journal(1, "evidence reviewed", 1, "progress_updates", 1)},
		// Withdrawing evidence leaves a timeline entry on the recommendation it supports.
		"POST /api/v1/evidence/{id}/withdraw": {audit: one("evidence.withdrawn"), also: rec, rows: journal(1, "progress_updates", 1)},
		// Milestones are journaled for their recommendation; completing one is activity on it.
		"POST /api/v1/actions/{id}/milestones":  {audit: one("milestone.created"), rows: journal(1)},
		"PATCH /api/v1/milestones/{id}":         {audit: one("milestone.updated"), rows: journal(1)},
		"POST /api/v1/milestones/{id}/complete": {audit: one("milestone.completed"), also: rec, rows: journal(1)},
		"DELETE /api/v1/milestones/{id}":        {audit: one("milestone.deleted"), rows: journal(1)},
		// Subjects never enter the search index: nothing is journaled.
		"POST /api/v1/reviews/{id}/subjects":                       {audit: one("subject.created"), rows: map[string]int64{"review_subjects": 1}},
		"PUT /api/v1/reviews/{id}/subjects/{subject_id}":           {audit: one("subject.updated")},
		"DELETE /api/v1/reviews/{id}/subjects/{subject_id}":        {audit: one("subject.deleted"), rows: map[string]int64{"review_subjects": -1}},
		"PUT /api/v1/partnerships/{id}/baselines/{characteristic}": {audit: one("baseline.uploaded"), keeps: true, rows: map[string]int64{"equality_baselines": 2}},
		// Taxonomy changes are journaled so search follows the labels.
		"POST /api/v1/themes":                                  {audit: one("theme.created"), rows: journal(1)},
		"PATCH /api/v1/themes/{code}":                          {audit: one("theme.updated"), rows: journal(1)},
		"POST /api/v1/themes/{code}/deprecate":                 {audit: one("theme.deprecated"), rows: journal(1)},
		"POST /api/v1/users":                                   {audit: one("user.created")},
		"PATCH /api/v1/users/{id}":                             {audit: one("user.updated")},
		"POST /api/v1/users/{id}/password":                     {audit: one("user.password_reset")},
		"POST /api/v1/users/{id}/mfa/reset":                    {audit: one("user.mfa_reset")},
		"POST /api/v1/users/{id}/memberships":                  {audit: one("membership.added"), rows: map[string]int64{"memberships": 1}},
		"DELETE /api/v1/users/{id}/memberships/{membershipId}": {audit: one("membership.removed"), rows: map[string]int64{"memberships": -1}},
		// Scheduled reports: each write one event about the schedule; a run stores its three
		// documents (each names its run, so each is new).
		"POST /api/v1/summaries/saved/{id}/schedules": {audit: one("report.scheduled")},
		"POST /api/v1/report-schedules/{id}/pause":    {audit: one("report.schedule_changed")},
		"POST /api/v1/report-schedules/{id}/resume":   {audit: one("report.schedule_changed")},
		"DELETE /api/v1/report-schedules/{id}":        {audit: one("report.unscheduled")},
		"POST /api/v1/report-schedules/{id}/run":      {audit: one("report.ran"), rows: map[string]int64{"blobs": 3}},
		// Marking read a notification that is nobody's changes nothing.
		"POST /api/v1/notifications/read": {},
		// Saved searches and follows are the caller's own: they move no record.
		"POST /api/v1/saved-searches":                {audit: one("saved_search.created")},
		"PATCH /api/v1/saved-searches/{id}":          {audit: one("saved_search.updated")},
		"DELETE /api/v1/saved-searches/{id}":         {audit: one("saved_search.deleted")},
		"PUT /api/v1/recommendations/{id}/follow":    {audit: one("follow.created")},
		"DELETE /api/v1/recommendations/{id}/follow": {audit: one("follow.deleted")},
		"PUT /api/v1/reviews/{id}/follow":            {audit: one("follow.created")},
		"DELETE /api/v1/reviews/{id}/follow":         {audit: one("follow.deleted")},
		"PUT /api/v1/notifications/preferences": {audit: one("user.notification_preferences"), keeps: true,
			rows: map[string]int64{"notification_preferences": 0}},
		"DELETE /api/v1/me/tokens/{id}": {audit: one("token.revoked"), rows: map[string]int64{"api_tokens revoked": 1}},
		"POST /api/v1/imports":          {audit: one("import.requested"), rows: map[string]int64{"import_jobs": 1}},
		// A rebuild of this server's search index changes no record: it is only audited.
		"POST /api/v1/admin/search/rebuild": {audit: one("search.rebuild_requested")},
		"POST /api/v1/instance-imports":     {audit: one("import.requested"), rows: map[string]int64{"import_jobs": 1}},
	}
}()
