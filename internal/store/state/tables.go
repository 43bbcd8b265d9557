package state

import (
	"maps"
	"slices"
)

// The tables a state dump (bulk JSON casereview-bulk/2) carries, in the order they are written
// (every reference points to a table before it), with the kind of each column. The list is the
// format: a column is added here, and to the format's documentation, when a migration adds one
// that records case data. Columns the importing instance derives (name keys, alias keys) and the
// instance's own bookkeeping (users, sessions, jobs, the journal, the audit trail) do not move.

type colKind int

const (
	colText colKind = iota
	colInt
	colBool
	colDate
	colTime
	colBytes
)

// colRef says what a column's value names, when the importing instance may know it by another
// id: its own organisation or partnership of the same name, its own user of the same email.
type colRef int

const (
	refNone colRef = iota
	refOrganisation
	refPartnership
	refUser
	// refRecommendation names a recommendation that may lie outside a partnership's dump: kept
	// when the dump or the importing instance has it, emptied otherwise.
	refRecommendation
)

type stateColumn struct {
	name string
	kind colKind
	ref  colRef
	// optional columns were added to the format later: a dump without one is still read, and
	// the writer supplies the value (recommendations.record_key: a new random key).
	optional bool
}

type stateTable struct {
	name   string
	entity string // the audit trail's entity type for each row; "" for rows that belong to another entity
	key    string // the id column an entity's audit event names
	order  string // ORDER BY for a stable dump
	cols   []stateColumn
	// scope selects the rows of the partnerships @p (nil: the table is scoped by stateScoped).
	scope string
}

func sc(name string, k colKind) stateColumn { return stateColumn{name: name, kind: k} }
func oc(name string, k colKind) stateColumn { return stateColumn{name: name, kind: k, optional: true} }
func rc(name string, k colKind, r colRef) stateColumn {
	return stateColumn{name: name, kind: k, ref: r}
}

const (
	scopeReviews = "SELECT id FROM reviews WHERE partnership_id IN @p"
	scopeRecs    = "SELECT id FROM recommendations WHERE review_id IN (" + scopeReviews + ")"
)

var stateTables = []stateTable{
	{name: "partnerships", entity: "partnership", key: "id", order: "id", scope: "id IN @p", cols: []stateColumn{
		sc("id", colText), sc("name", colText), sc("kind", colText), sc("area_codes", colText), sc("viewers_see_restricted", colBool),
		sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime)}},
	// Organisations: those the partnerships' records name, with their parents (added in Go).
	{name: "organisations", entity: "organisation", key: "id", order: "id", scope: "id IN (SELECT organisation_id FROM addressees WHERE recommendation_id IN (" + scopeRecs + "))", cols: []stateColumn{
		sc("id", colText), sc("name", colText), sc("sector", colText), rc("parent_id", colText, refOrganisation),
		sc("senior_contact_name", colText), sc("senior_contact_email", colText), // migration 00018
		sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime)}},
	{name: "organisation_aliases", order: "organisation_id, position", cols: []stateColumn{
		rc("organisation_id", colText, refOrganisation), sc("alias", colText), sc("position", colInt)}},
	// Where merged organisations' ids lead (migration 00014): those leading to the dump's organisations.
	{name: "organisation_redirects", order: "from_id", scope: "to_id IN (SELECT organisation_id FROM addressees WHERE recommendation_id IN (" + scopeRecs + "))", cols: []stateColumn{
		sc("from_id", colText), rc("to_id", colText, refOrganisation), sc("merged_at", colTime)}},
	{name: "reviews", entity: "review", key: "id", order: "id", scope: "partnership_id IN @p", cols: []stateColumn{
		sc("id", colText), sc("type", colText), rc("partnership_id", colText, refPartnership), sc("reference", colText), sc("title", colText),
		sc("status", colText), sc("incident_year", colInt), sc("commissioned_on", colDate), sc("published_on", colDate), sc("report_url", colText),
		sc("summary", colText), sc("visibility", colText), sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime)}},
	// Files: evidence files and reviews' reports (migration 00022), before the reports that name them.
	{name: "blobs", order: "sha256", scope: "sha256 IN (SELECT blob_sha256 FROM evidence WHERE recommendation_id IN (" + scopeRecs + ")) OR " +
		"sha256 IN (SELECT blob_sha256 FROM review_reports WHERE review_id IN (" + scopeReviews + "))", cols: []stateColumn{
		sc("sha256", colText), sc("content", colBytes), sc("size_bytes", colInt), sc("media_type", colText), sc("created_at", colTime)}},
	// A review's reports (migration 00022), before the recommendations drawn from them.
	{name: "review_reports", order: "id", scope: "review_id IN (" + scopeReviews + ")", cols: []stateColumn{
		sc("id", colText), sc("review_id", colText), sc("blob_sha256", colText), sc("filename", colText), sc("media_type", colText),
		sc("format", colText), sc("size_bytes", colInt), sc("pages", colInt), sc("proposals", colText), rc("uploaded_by_id", colText, refUser),
		sc("uploaded_by_name", colText), sc("uploaded_at", colTime), sc("confirmed_at", colTime), sc("confirmed_by_name", colText),
		sc("created_count", colInt)}},
	{name: "recommendations", entity: "recommendation", key: "id", order: "id", scope: "review_id IN (" + scopeReviews + ")", cols: []stateColumn{
		sc("id", colText), sc("review_id", colText), sc("number", colText), sc("title", colText), sc("text", colText), sc("scope", colText),
		sc("intervention_type", colText), sc("response_due", colDate), sc("response_due_explicit", colBool), sc("response_status", colText),
		sc("implementation_status", colText), sc("oversight_status", colText), sc("closed_on", colDate), sc("closure_rationale", colText),
		sc("last_activity_on", colDate), sc("follow_up_on", colDate), sc("issued_on", colDate),
		sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime),
		// The cell key method's key moves with the recommendation, so a moved instance publishes
		// the same perturbed figures (migration 00020).
		oc("record_key", colInt),
		// The report and page it was drawn from (migration 00022).
		oc("source_report_id", colText), oc("source_page", colInt)}},
	{name: "addressees", order: "recommendation_id, position, organisation_id", cols: []stateColumn{
		sc("recommendation_id", colText), rc("organisation_id", colText, refOrganisation), sc("role", colText), sc("raw_text", colText),
		sc("notified_on", colDate), sc("acknowledged_on", colDate), sc("response_status", colText), sc("position", colInt), sc("created_at", colTime)}},
	{name: "theme_assignments", order: "recommendation_id, position, theme_code", cols: []stateColumn{
		sc("recommendation_id", colText), sc("theme_code", colText), sc("is_primary", colBool), sc("source", colText), sc("position", colInt),
		sc("assigned_at", colTime), rc("confirmed_by", colText, refUser), sc("confirmed_by_name", colText), sc("confirmed_at", colTime)}},
	{name: "theme_suggestion_rejections", order: "recommendation_id, theme_code", cols: []stateColumn{
		sc("recommendation_id", colText), sc("theme_code", colText), sc("reason", colText), rc("rejected_by", colText, refUser),
		sc("rejected_by_name", colText), sc("rejected_at", colTime)}},
	{name: "actions", entity: "action", key: "id", order: "id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), rc("organisation_id", colText, refOrganisation), sc("description", colText),
		sc("owner", colText), sc("target_date", colDate), sc("completion_date", colDate), sc("completion_source", colText), sc("outcome", colText),
		sc("implementation_status", colText), sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime)}},
	{name: "responses", entity: "response", key: "id", order: "id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), rc("organisation_id", colText, refOrganisation), sc("decision", colText),
		sc("narrative", colText), sc("timetable", colText), sc("reasons", colText), sc("received_on", colDate),
		rc("author_user_id", colText, refUser), sc("author_name", colText), sc("created_at", colTime)}},
	{name: "evidence", entity: "evidence", key: "id", order: "id", cols: []stateColumn{
		sc("id", colText), sc("action_id", colText), sc("recommendation_id", colText), sc("kind", colText), sc("title", colText),
		sc("evidence_type", colText), sc("url", colText), sc("blob_sha256", colText), sc("filename", colText), sc("media_type", colText),
		sc("size_bytes", colInt), sc("status", colText), rc("submitted_by_id", colText, refUser), sc("submitted_by_name", colText),
		sc("submitted_at", colTime), rc("reviewed_by_id", colText, refUser), sc("reviewed_by_name", colText), sc("reviewed_at", colTime),
		sc("review_note", colText), sc("withdrawn_at", colTime), rc("withdrawn_by_id", colText, refUser), sc("withdrawn_by_name", colText),
		sc("withdrawal_reason", colText)}},
	{name: "assessments", entity: "assessment", key: "id", order: "id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), sc("from_classification", colText), sc("classification", colText),
		sc("rationale", colText), rc("linked_recommendation_id", colText, refRecommendation), sc("follow_up_on", colDate),
		rc("assessor_id", colText, refUser), sc("assessor_name", colText), sc("created_at", colTime)}},
	// Links: those with both ends in the dump.
	{name: "recommendation_links", entity: "link", key: "id", order: "id", scope: "from_id IN (" + scopeRecs + ") AND to_id IN (" + scopeRecs + ")", cols: []stateColumn{
		sc("id", colText), sc("from_id", colText), sc("to_id", colText), sc("type", colText), sc("note", colText),
		sc("created_by", colText), sc("created_at", colTime)}},
	{name: "milestones", entity: "milestone", key: "id", order: "id", cols: []stateColumn{
		sc("id", colText), sc("action_id", colText), sc("recommendation_id", colText), sc("title", colText), sc("due_date", colDate),
		sc("done_date", colDate), rc("done_by_id", colText, refUser), sc("done_by_name", colText), rc("created_by_id", colText, refUser),
		sc("created_by_name", colText), sc("version", colInt), sc("created_at", colTime), sc("updated_at", colTime)}},
	{name: "progress_updates", order: "recommendation_id, created_at, id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), sc("action_id", colText), sc("evidence_id", colText),
		rc("related_id", colText, refRecommendation), sc("kind", colText), sc("old_status", colText), sc("new_status", colText),
		sc("narrative", colText), rc("author_id", colText, refUser), sc("author_name", colText), rc("organisation_id", colText, refOrganisation),
		sc("created_at", colTime)}},
	{name: "milestone_events", order: "recommendation_id, created_at, id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), sc("action_id", colText), sc("milestone_id", colText), sc("field", colText),
		sc("old_value", colText), sc("new_value", colText), sc("title", colText), rc("author_id", colText, refUser), sc("author_name", colText),
		rc("organisation_id", colText, refOrganisation), sc("created_at", colTime)}},
	{name: "recommendation_edits", order: "recommendation_id, created_at, id", cols: []stateColumn{
		sc("id", colText), sc("recommendation_id", colText), sc("field", colText), sc("old_value", colText), sc("new_value", colText),
		rc("author_id", colText, refUser), sc("author_name", colText), rc("organisation_id", colText, refOrganisation), sc("created_at", colTime)}},
}

// scopeOf is the WHERE clause that keeps a table's rows to the partnerships @p.
func scopeOf(t stateTable) string {
	if t.scope != "" {
		return t.scope
	}
	return "recommendation_id IN (" + scopeRecs + ")"
}

func (t stateTable) columnNames() []string {
	out := make([]string, len(t.cols))
	for i, col := range t.cols {
		out[i] = col.name
	}
	return out
}

// chunked calls fn with ids in slices short enough for one IN (...) list.
func chunked(ids []string, fn func([]string) error) error {
	for c := range slices.Chunk(ids, 5000) {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func keys(m map[string]bool) []string { return slices.Collect(maps.Keys(m)) }
