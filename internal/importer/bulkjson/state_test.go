package bulkjson_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/demo"
	"github.com/casereview/casereview/internal/extract/extracttest"
	"github.com/casereview/casereview/internal/importer/bulkjson"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
	"github.com/casereview/casereview/internal/store/state"
)

// noKeywords suggests nothing from text: only stored suggestions are offered.
type noKeywords struct{}

func (noKeywords) Suggest(string, []casereview.Theme) []casereview.ThemeSuggestion { return nil }

// instanceTables are the tables of the instance itself, not of its case data: they do not move
// (users are matched by email). Every other table must come across whole.
var instanceTables = map[string]bool{"users": true, "memberships": true, "recovery_codes": true, "sessions": true, "api_tokens": true,
	"login_throttle": true, "audit_events": true, "change_journal": true, "journal_head": true, "import_jobs": true,
	"reference_state": true, "review_types": true, "intervention_types": true, "theme_groups": true, "themes": true,
	"theme_crosswalks": true, "goose_db_version": true,
	// A saved summary is its owner's, like their tokens: it stays with the people of the instance.
	"saved_summaries": true,
	// Their schedules and stored runs go with them (migration 00025).
	"report_schedules": true, "report_subscribers": true, "report_runs": true,
	// Notifications are their recipients', and the outbox and job leases the instance's own
	// bookkeeping (migration 00017): none moves. An escalation's timeline entry stays behind.
	"notification_events": true, "notifications": true, "notification_preferences": true, "outbox": true, "job_leases": true,
	// Recurrence clusters are derived from the recommendations, like the search index: the
	// target's follower builds its own from the journal (migration 00021).
	"recurrence_members": true, "recurrence_state": true,
	// Saved searches and follows are their owners', as saved summaries are, and the alerts' marks
	// the instance's bookkeeping of what it has told them (migration 00024): none moves.
	"saved_searches": true, "follows": true, "alert_marks": true,
	// Equality monitoring (migration 00026) does not move yet: subjects are special category
	// data and their export is its own decision (docs/equality.md, "What it does not do").
	"review_subjects": true, "equality_baselines": true}

// userColumns hold user ids; the comparison reads them as the user's email.
var userColumns = map[string]bool{"confirmed_by": true, "rejected_by": true, "author_user_id": true, "submitted_by_id": true,
	"reviewed_by_id": true, "withdrawn_by_id": true, "uploaded_by_id": true, "assessor_id": true, "done_by_id": true, "created_by_id": true, "author_id": true}

func rawDB(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	return db
}

func caseTables(t *testing.T, s *store.Store) []string {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.Dialect() == "postgres" {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	rows, err := rawDB(t, s).Query(q)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		if !instanceTables[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// contents reads every row of a table behind the store's back, as sorted lines, user ids read
// as emails.
func contents(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	db := rawDB(t, s)
	emails := map[string]string{}
	urows, err := db.Query("SELECT id, email FROM users")
	must(t, err)
	for urows.Next() {
		var id, e string
		must(t, urows.Scan(&id, &e))
		emails[id] = e
	}
	urows.Close()
	rows, err := db.Query("SELECT * FROM " + table)
	must(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	must(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		var b strings.Builder
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				v = x.UTC().Format(time.RFC3339Nano)
			case []byte:
				v = fmt.Sprintf("%x", x)
			}
			if userColumns[cols[i]] && v != nil {
				v = "user:" + emails[fmt.Sprint(v)]
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	sort.Strings(out)
	return out
}

// lifecycle installs the demo data as its people, then adds what the demo lacks: milestones
// (one done), a file withdrawn as uploaded in error, a suggested theme confirmed by a person
// and one rejected. It returns the people's emails.
func lifecycle(t *testing.T, s *store.Store) []string {
	s.UseThemeSuggester(noKeywords{})
	ds, err := demo.Load()
	must(t, err)
	var emails []string
	_, err = demo.InstallWith(sys, s, ds, demo.Options{People: func(ctx context.Context) ([]casereview.Actor, error) {
		orgs, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{}, casereview.PageRequest{Limit: 1})
		if err != nil {
			return nil, err
		}
		ps, err := s.ListPartnerships(ctx, casereview.PartnershipFilter{}, casereview.PageRequest{Limit: 1})
		if err != nil {
			return nil, err
		}
		var out []casereview.Actor
		for _, p := range []struct {
			email string
			m     casereview.MembershipDraft
		}{
			{"agency@test.invalid", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: orgs.Items[0].ID}},
			{"panel@test.invalid", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: ps.Items[0].ID}},
			{"oversight@test.invalid", casereview.MembershipDraft{Role: casereview.RoleOversight}},
		} {
			u, err := s.CreateUser(ctx, casereview.UserDraft{Email: p.email, DisplayName: "Test " + p.email}, "not-a-real-hash")
			if err != nil {
				return nil, err
			}
			if u, err = s.AddMembership(ctx, u.ID, p.m); err != nil {
				return nil, err
			}
			emails = append(emails, p.email)
			out = append(out, u.Actor())
		}
		return out, nil
	}})
	must(t, err)

	acts, err := s.ListActions(sys, casereview.ActionFilter{}, casereview.PageRequest{Limit: 100})
	must(t, err)
	var act casereview.Action
	for _, a := range acts.Items {
		rec, err := s.GetRecommendation(sys, a.RecommendationID)
		must(t, err)
		if !strings.HasPrefix(string(rec.OversightStatus), "closed") {
			act = a
			break
		}
	}
	m1, err := s.CreateMilestone(sys, act.ID, casereview.MilestoneDraft{Title: "Draft the policy", DueDate: date("2031-01-31")})
	must(t, err)
	_, err = s.CreateMilestone(sys, act.ID, casereview.MilestoneDraft{Title: "Train the staff", DueDate: date("2031-06-30")})
	must(t, err)
	_, err = s.CompleteMilestone(sys, m1.ID, m1.Version, nil)
	must(t, err)
	// A duplicate of the action's organisation, merged into it: a redirect, and an alias.
	owner, err := s.GetOrganisation(sys, act.OrganisationID)
	must(t, err)
	dup, err := s.CreateOrganisation(sys, casereview.OrganisationDraft{Name: owner.Name + " (duplicate)", Sector: owner.Sector})
	must(t, err)
	_, err = s.MergeOrganisations(sys, owner.ID, dup.ID, owner.Version, dup.Version)
	must(t, err)
	ed, err := s.CreateUser(sys, casereview.UserDraft{Email: "editor@test.invalid", DisplayName: "Action Editor"}, "not-a-real-hash")
	must(t, err)
	ed, err = s.AddMembership(sys, ed.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: act.OrganisationID})
	must(t, err)
	emails = append(emails, ed.Email)
	editor := casereview.WithActor(context.Background(), ed.Actor())
	ev, err := s.AddEvidence(editor, act.ID, casereview.EvidenceDraft{Title: "Wrong file", EvidenceType: "other", Filename: "wrong.txt",
		Content: []byte("uploaded in error")})
	must(t, err)
	must(t, s.WithdrawEvidence(editor, ev.ID, "uploaded in error"))

	// A suggested theme confirmed by a panel member, another rejected.
	rec, err := s.GetRecommendation(sys, act.RecommendationID)
	must(t, err)
	rv, err := s.GetReview(sys, rec.ReviewID)
	must(t, err)
	u, err := s.CreateUser(sys, casereview.UserDraft{Email: "confirmer@test.invalid", DisplayName: "Theme Confirmer"}, "not-a-real-hash")
	must(t, err)
	u, err = s.AddMembership(sys, u.ID, casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: rv.PartnershipID})
	must(t, err)
	emails = append(emails, u.Email)
	panel := casereview.WithActor(context.Background(), u.Actor())
	nr, err := s.CreateRecommendation(panel, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "99", Text: "Share risk information at every referral.",
		Scope: "local", Themes: []casereview.ThemeDraft{{Code: "B04", Source: "suggested"}, {Code: "B05", Source: "suggested"}}})
	must(t, err)
	_, err = s.AcceptThemeSuggestion(panel, nr.ID, nr.Version, "B04")
	must(t, err)
	_, err = s.RejectThemeSuggestion(panel, nr.ID, "B05", "not what this is about")
	must(t, err)
	// The review's report, and a recommendation drawn from its page 3 (migration 00022).
	rep, err := s.UploadReport(panel, rv.ID, "report.txt", extracttest.Text(extracttest.DHR))
	must(t, err)
	_, err = s.ConfirmReport(panel, rep.ID, []casereview.ProposalDraft{{RecommendationDraft: casereview.RecommendationDraft{Number: "98",
		Text: extracttest.DHRTexts[0], Scope: "local"}, Page: 3}})
	must(t, err)
	return emails
}

func date(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

// TestMoveWholeInstance: the demo data after a lifecycle, exported as bulk JSON /2 and imported
// into a fresh instance, is there table for table, row for row (ids kept; users matched by
// email), with one import event per record naming the source. A dry run into the empty
// instance first says what would be created and writes nothing.
func TestMoveWholeInstance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		src := dbtest.Open(t, dialect, dbtest.Options{})
		emails := lifecycle(t, src)
		var buf bytes.Buffer
		must(t, bulkjson.ExportState(sys, state.New(src), casereview.StateScope{Instance: "northfold-test"}, &buf))

		doc, err := bulkjson.Read(buf.Bytes())
		must(t, err)
		if doc.V2 == nil {
			t.Fatal("the export is not a /2 document")
		}
		rows := map[string]int{}
		for _, tb := range doc.V2.Tables {
			rows[tb.Name] = len(tb.Rows)
		}
		for _, tb := range []string{"responses", "progress_updates", "evidence", "blobs", "assessments", "recommendation_links",
			"milestones", "milestone_events", "theme_assignments", "theme_suggestion_rejections"} {
			if rows[tb] == 0 {
				t.Errorf("the lifecycle left table %s empty: the test would prove nothing about it", tb)
			}
		}

		dst := dbtest.Open(t, dialect, dbtest.Options{})
		for _, e := range emails {
			_, err := dst.CreateUser(sys, casereview.UserDraft{Email: e, DisplayName: "Here " + e}, "not-a-real-hash")
			must(t, err)
		}
		dry, err := bulkjson.ImportDocument(sys, imports.Over(dst), state.New(dst), doc, bulkjson.Options{DryRun: true})
		must(t, err)
		for name, n := range rows {
			if dry.Created[name] != n {
				t.Errorf("dry run: would create %d %s, the file has %d", dry.Created[name], name, n)
			}
		}
		for _, tb := range caseTables(t, dst) {
			if got := contents(t, dst, tb); len(got) != 0 {
				t.Fatalf("the dry run wrote %d rows of %s", len(got), tb)
			}
		}

		var done, total int
		res, err := bulkjson.ImportDocument(sys, imports.Over(dst), state.New(dst), doc, bulkjson.Options{Progress: func(d, n int) { done, total = d, n }})
		must(t, err)
		if done != total || total == 0 {
			t.Errorf("progress ended at %d of %d", done, total)
		}
		if res.ReviewsCreated != rows["reviews"] || res.RecommendationsCreated != rows["recommendations"] {
			t.Errorf("created %d reviews and %d recommendations; the file has %d and %d", res.ReviewsCreated, res.RecommendationsCreated,
				rows["reviews"], rows["recommendations"])
		}
		tables := caseTables(t, src)
		if !slices.Equal(tables, caseTables(t, dst)) {
			t.Fatalf("tables differ: %v and %v", tables, caseTables(t, dst))
		}
		for _, tb := range tables {
			a, b := contents(t, src, tb), contents(t, dst, tb)
			if len(a) == 0 && tb != "recommendation_edits" {
				t.Errorf("table %s is empty in the source", tb)
			}
			if !slices.Equal(a, b) {
				for i := range max(len(a), len(b)) {
					if i >= len(a) || i >= len(b) || a[i] != b[i] {
						t.Errorf("table %s differs (%d rows, %d after the move); first difference:\n source %s\n target %s", tb, len(a), len(b),
							at(a, i), at(b, i))
						break
					}
				}
			}
		}
		// A closed recommendation stays closed; a withdrawn item stays withdrawn.
		closed := contents(t, dst, "recommendations")
		if !slices.ContainsFunc(closed, func(r string) bool { return strings.Contains(r, "oversight_status=closed_") }) {
			t.Error("no closed recommendation after the move")
		}

		// One import event per record, each naming the source.
		db := rawDB(t, dst)
		evs, err := db.Query("SELECT entity_type, entity_id, after_json FROM audit_events WHERE action = 'data.imported'")
		must(t, err)
		perType, seen := map[string]int{}, map[string]bool{}
		for evs.Next() {
			var typ, id, after string
			must(t, evs.Scan(&typ, &id, &after))
			var a struct {
				Source casereview.StateSource `json:"source"`
			}
			must(t, json.Unmarshal([]byte(after), &a))
			if a.Source.Instance != "northfold-test" || a.Source.ExportID != doc.V2.Source.ExportID {
				t.Errorf("import event for %s %s names source %+v", typ, id, a.Source)
			}
			if seen[typ+id] {
				t.Errorf("two import events for %s %s", typ, id)
			}
			seen[typ+id] = true
			perType[typ]++
		}
		evs.Close()
		for typ, table := range map[string]string{"partnership": "partnerships", "organisation": "organisations", "review": "reviews",
			"recommendation": "recommendations", "action": "actions", "response": "responses", "evidence": "evidence",
			"assessment": "assessments", "link": "recommendation_links", "milestone": "milestones"} {
			if perType[typ] != rows[table] {
				t.Errorf("%d import events for %s; the file has %d", perType[typ], typ, rows[table])
			}
		}
		if perType["import"] != 1 {
			t.Errorf("%d summary import events, want 1", perType["import"])
		}

		// Importing the same file again is refused whole: records move, they do not merge.
		before := contents(t, dst, "organisations")
		_, err = bulkjson.ImportDocument(sys, imports.Over(dst), state.New(dst), doc, bulkjson.Options{})
		var de *casereview.Error
		if !errors.As(err, &de) || de.Code != casereview.CodeConflict {
			t.Fatalf("second import: %v, want a conflict", err)
		}
		if !slices.Equal(before, contents(t, dst, "organisations")) {
			t.Error("the refused import changed the organisations")
		}
	})
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<none>"
}

// TestMoveDumpFromBeforeRecordKeys: a /2 document written before recommendations had record keys
// (migration 00020) still imports, and every recommendation gets a key in the target.
func TestMoveDumpFromBeforeRecordKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		src := dbtest.Open(t, dialect, dbtest.Options{})
		emails := lifecycle(t, src)
		var buf bytes.Buffer
		must(t, bulkjson.ExportState(sys, state.New(src), casereview.StateScope{Instance: "northfold-test"}, &buf))
		doc, err := bulkjson.Read(buf.Bytes())
		must(t, err)
		stripped := false
		for i, tb := range doc.V2.Tables {
			k := slices.Index(tb.Columns, "record_key")
			if tb.Name != "recommendations" || k < 0 {
				continue
			}
			tb.Columns = slices.Delete(slices.Clone(tb.Columns), k, k+1)
			for j, r := range tb.Rows {
				tb.Rows[j] = slices.Delete(slices.Clone(r), k, k+1)
			}
			doc.V2.Tables[i], stripped = tb, true
		}
		if !stripped {
			t.Fatal("the export has no recommendations.record_key column to leave out")
		}
		dst := dbtest.Open(t, dialect, dbtest.Options{})
		for _, e := range emails {
			_, err := dst.CreateUser(sys, casereview.UserDraft{Email: e, DisplayName: "Here " + e}, "not-a-real-hash")
			must(t, err)
		}
		res, err := bulkjson.ImportDocument(sys, imports.Over(dst), state.New(dst), doc, bulkjson.Options{})
		must(t, err)
		if res.RecommendationsCreated == 0 {
			t.Fatal("nothing imported")
		}
		var missing, total int
		must(t, rawDB(t, dst).QueryRow("SELECT COUNT(*) - COUNT(record_key), COUNT(*) FROM recommendations").Scan(&missing, &total))
		if missing != 0 || total != res.RecommendationsCreated {
			t.Errorf("%d of %d recommendations have no record key (%d imported)", missing, total, res.RecommendationsCreated)
		}
	})
}
