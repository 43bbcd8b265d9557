package notify_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/notify"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/taxonomy"
	"github.com/casereview/casereview/internal/web"
)

// reportWorld is a partnership with one review and recommendation, two oversight officers, a
// panel member of the partnership and one of another partnership, and a saved summary of the
// partnership's figures owned by the first officer.
type reportWorld struct {
	s                         *store.Store
	partnership, reviewID     string
	officer, second           casereview.User
	panelHere, panelElsewhere casereview.User
	summary                   casereview.SavedSummary
}

func as(u casereview.User) context.Context {
	return casereview.WithActor(context.Background(), u.Actor())
}

func newReportWorld(t *testing.T, s *store.Store, tag string) reportWorld {
	t.Helper()
	ctx := sys()
	w := reportWorld{s: s}
	p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP " + tag, Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold" + tag}})
	must(t, err)
	other, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southmere CSP " + tag, Kind: "community_safety_partnership", AreaCodes: []string{"LA:Southmere" + tag}})
	must(t, err)
	w.partnership = p.ID
	pub := casereview.MustDate("2025-06-01")
	rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "NF-DHR-" + tag, Title: "Adult Q",
		Status: "published", PublishedOn: &pub, Visibility: "shared"})
	must(t, err)
	w.reviewID = rv.ID
	w.addRecommendation(t, "1")
	user := func(email string, m casereview.MembershipDraft) casereview.User {
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: strings.Split(email, "@")[0]}, "")
		must(t, err)
		u, err = s.AddMembership(ctx, u.ID, m)
		must(t, err)
		return u
	}
	w.officer = user("officer"+tag+"@oversight.example", casereview.MembershipDraft{Role: casereview.RoleOversight})
	w.second = user("second"+tag+"@oversight.example", casereview.MembershipDraft{Role: casereview.RoleOversight})
	w.panelHere = user("panel"+tag+"@northfold.example", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: p.ID})
	w.panelElsewhere = user("panel"+tag+"@southmere.example", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: other.ID})
	def := url.Values{"title": {"Quarterly figures"}, "section": {"headline", "response", "organisations"}, "partnership": {p.ID}}
	w.summary, err = s.SaveSummary(as(w.officer), "Quarterly figures "+tag, def.Encode())
	must(t, err)
	return w
}

func (w reportWorld) addRecommendation(t *testing.T, number string) {
	t.Helper()
	_, err := w.s.CreateRecommendation(sys(), casereview.RecommendationDraft{ReviewID: w.reviewID, Number: number,
		Text: "Secret text of recommendation " + number + ".", Scope: "local"})
	must(t, err)
}

func reports(s *store.Store, c *clock) *notify.Reports {
	return &notify.Reports{Store: s, Renderer: web.SummaryRenderer{Summaries: summaries.New(s)}, Now: c.now, Log: discard()}
}

func reportEmails(t *testing.T, s *store.Store) []casereview.OutboxMessage {
	t.Helper()
	ms, err := s.ListOutbox(sys(), casereview.OutboxFilter{}, 0)
	must(t, err)
	var out []casereview.OutboxMessage
	for _, m := range ms {
		if m.Kind == casereview.NotifyReportRun {
			out = append(out, m)
		}
	}
	return out
}

func fieldOf(err error) string {
	var e *casereview.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return ""
	}
	return e.Fields[0].Field
}

// A quarterly schedule runs once for each quarter, on the quarter's first day, stores its
// documents as they were sent, compares with the run before, and tells each subscriber who may
// read the summary's scope as they chose.
func TestScheduledReportRunsOncePerPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		c := newClock() // 2 March 2026
		s := dbtest.Open(t, dialect, dbtest.Options{Now: c.now})
		w := newReportWorld(t, s, "")
		r := reports(s, c)

		// Who may schedule, and whom.
		if _, err := s.CreateReportSchedule(as(w.panelHere), w.summary.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly}); !casereview.IsCode(err, casereview.CodeNotFound) {
			t.Fatalf("a panel member scheduled another's summary: %v", err)
		}
		_, err := s.CreateReportSchedule(as(w.officer), w.summary.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly,
			Subscribers: []string{w.second.Email, w.panelElsewhere.Email}})
		if f := fieldOf(err); f != "subscribers[1]" {
			t.Fatalf("a panel member of another partnership was subscribed: %v", err)
		}
		if _, err := s.CreateReportSchedule(as(w.officer), w.summary.ID, casereview.ReportScheduleDraft{Frequency: "weekly"}); fieldOf(err) != "frequency" {
			t.Fatalf("weekly: %v", err)
		}
		sc, err := s.CreateReportSchedule(as(w.officer), w.summary.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly,
			Subscribers: []string{w.second.Email, strings.ToUpper(w.panelHere.Email)}})
		must(t, err)
		if sc.NextRunOn.String() != "2026-04-01" || len(sc.Subscribers) != 3 {
			t.Fatalf("schedule: next %s, subscribers %+v", sc.NextRunOn, sc.Subscribers)
		}
		// The second officer takes these reports in the centre only.
		_, err = s.SetNotificationPreferences(as(w.second), []casereview.NotificationPreference{{Kind: casereview.NotifyReportRun, Delivery: casereview.DeliverOff}})
		must(t, err)

		if n, err := r.RunDue(context.Background()); err != nil || n != 0 {
			t.Fatalf("before the quarter's end: %d runs, %v", n, err)
		}
		c.add(30 * 24 * time.Hour) // 1 April
		n, err := r.RunDue(context.Background())
		must(t, err)
		again, err := r.RunDue(context.Background())
		must(t, err)
		if n != 1 || again != 0 {
			t.Fatalf("runs: %d then %d", n, again)
		}
		runs, err := s.ListReportRuns(as(w.officer), sc.ID)
		must(t, err)
		if len(runs) != 1 || runs[0].Period != "2026-Q1" || runs[0].AsOf.String() != "2026-03-31" || runs[0].PreviousRunID != "" {
			t.Fatalf("runs: %+v", runs)
		}
		first := runs[0]
		for _, f := range []string{"html", "xlsx", "csv"} {
			d, body, err := s.ReportRunDocument(as(w.panelHere), first.ID, f)
			must(t, err)
			sum := sha256.Sum256(body)
			if hex.EncodeToString(sum[:]) != d.SHA256 || int64(len(body)) != d.SizeBytes || len(body) == 0 {
				t.Fatalf("%s: stored %s, %d bytes, content hashes to %x", f, d.SHA256, d.SizeBytes, sum)
			}
		}
		if _, _, err := s.ReportRunDocument(as(w.panelElsewhere), first.ID, "html"); !casereview.IsCode(err, casereview.CodeNotFound) {
			t.Fatalf("a panel member of another partnership read the run: %v", err)
		}
		sc, err = s.GetReportSchedule(as(w.officer), sc.ID)
		must(t, err)
		if sc.NextRunOn.String() != "2026-07-01" {
			t.Fatalf("next run: %s", sc.NextRunOn)
		}

		// Emails: the owner and the panel member, not the second officer (off); each once, a
		// link and a summary line, none of the recommendation's text.
		ms := reportEmails(t, s)
		to := map[string]int{}
		for _, m := range ms {
			to[m.RecipientEmail]++
			if strings.Contains(m.Body, "Secret text") || !strings.Contains(m.Body, "/summaries/runs/"+first.ID) {
				t.Fatalf("email body:\n%s", m.Body)
			}
		}
		if len(ms) != 2 || to[w.officer.Email] != 1 || to[w.panelHere.Email] != 1 {
			t.Fatalf("emails: %v", to)
		}
		ns, _, err := s.ListNotifications(as(w.second), false, 10)
		must(t, err)
		if len(ns) != 1 || ns[0].Kind != casereview.NotifyReportRun || ns[0].Link != "/summaries/runs/"+first.ID {
			t.Fatalf("the second officer's centre: %+v", ns)
		}

		// At send time: the panel member has left the partnership, so may no longer read it.
		for _, m := range u(t, s, w.panelHere).Memberships {
			_, err := s.RemoveMembership(sys(), w.panelHere.ID, m.ID)
			must(t, err)
		}
		for _, m := range ms {
			ok, err := s.RecipientMayRead(sys(), m)
			must(t, err)
			if ok != (m.RecipientEmail == w.officer.Email) {
				t.Fatalf("may %s read the run at send time: %v", m.RecipientEmail, ok)
			}
		}

		// The next quarter compares with this one.
		w.addRecommendation(t, "2")
		c.add(91 * 24 * time.Hour) // 1 July
		n, err = r.RunDue(context.Background())
		must(t, err)
		runs, err = s.ListReportRuns(as(w.officer), sc.ID)
		must(t, err)
		if n != 1 || len(runs) != 2 || runs[0].Period != "2026-Q2" || runs[0].PreviousRunID != first.ID {
			t.Fatalf("second run: %d, %+v", n, runs)
		}
		var recs casereview.ReportDelta
		for _, d := range runs[0].Headline {
			if d.Row == "Recommendations" {
				recs = d
			}
		}
		if recs.Previous != 1 || recs.Current != 2 || recs.Change != "up 1" || !strings.Contains(runs[0].Summary, "up 1") {
			t.Fatalf("comparison: %+v, summary %q", runs[0].Headline, runs[0].Summary)
		}
		if len(runs[0].Deltas) == 0 {
			t.Fatal("no per-row change")
		}
		_, csv, err := s.ReportRunDocument(as(w.officer), runs[0].ID, "csv")
		must(t, err)
		if !strings.Contains(string(csv), "Since the previous run") {
			t.Fatalf("the stored document has no comparison:\n%s", csv)
		}
		// The first run's documents are as they were: not re-rendered.
		d, body, err := s.ReportRunDocument(as(w.officer), first.ID, "csv")
		must(t, err)
		if d.SHA256 != first.Documents[2].SHA256 || strings.Contains(string(body), "Since the previous run") {
			t.Fatal("the first run's document changed")
		}

		// Run now: the owner may; a subscriber may not.
		if _, err := r.RunReportNow(as(w.second), sc.ID); err == nil {
			t.Fatal("a subscriber ran the schedule")
		}
		now, err := r.RunReportNow(as(w.officer), sc.ID)
		must(t, err)
		if !strings.HasPrefix(now.Period, casereview.ManualPeriod) || now.PreviousRunID != runs[0].ID || now.AsOf.String() != "2026-07-01" {
			t.Fatalf("run now: %+v", now)
		}
		// Paused schedules do not run; deleting one removes its runs.
		_, err = s.SetReportSchedulePaused(as(w.officer), sc.ID, true)
		must(t, err)
		c.add(95 * 24 * time.Hour)
		if n, err := r.RunDue(context.Background()); err != nil || n != 0 {
			t.Fatalf("paused: %d, %v", n, err)
		}
		must(t, s.DeleteReportSchedule(as(w.officer), sc.ID))
		if _, err := s.GetReportRun(as(w.officer), now.ID); !casereview.IsCode(err, casereview.CodeNotFound) {
			t.Fatalf("a deleted schedule's run: %v", err)
		}
	})
}

func u(t *testing.T, s *store.Store, x casereview.User) casereview.User {
	t.Helper()
	got, err := s.GetUser(sys(), x.ID)
	must(t, err)
	return got
}

// Two schedulers (two processes' stores) ticking at once over one PostgreSQL database record
// each due run once, and each subscriber's email is delivered once.
func TestTwoSchedulersRunEachReportOnce(t *testing.T) {
	c := newClock()
	dbURL, _ := dbtest.Migrated(t, "postgres")
	open := func() *store.Store {
		s, err := store.Open(context.Background(), store.Options{DatabaseURL: dbURL, Now: c.now})
		must(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	tax, err := taxonomy.Default()
	must(t, err)
	_, err = a.SeedTaxonomy(context.Background(), tax)
	must(t, err)
	const schedules = 6
	var ids []string
	for i := range schedules {
		w := newReportWorld(t, a, fmt.Sprint(i))
		sc, err := a.CreateReportSchedule(as(w.officer), w.summary.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportMonthly,
			Subscribers: []string{w.second.Email, w.panelHere.Email}})
		must(t, err)
		ids = append(ids, sc.ID)
	}
	c.add(30 * 24 * time.Hour) // 1 April: every schedule is due
	srv := startSMTP(t, false)
	var wg sync.WaitGroup
	got := make([]notify.DailyRun, 2)
	for i, st := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("replica-%d", i)
			sch := &notify.Scheduler{Store: st, Ladder: casereview.DefaultLadder, Owner: owner, Now: c.now, Log: discard(), Reports: reports(st, c),
				Sender: &notify.Sender{Outbox: st, Mailer: mailer(t, srv, "smtp"), Owner: owner, Now: c.now, Batch: 2}}
			for range 3 {
				r, err := sch.Tick(context.Background(), false)
				if err != nil {
					t.Error(err)
				}
				got[i].Reports += r.Reports
				got[i].Sent += r.Sent
			}
		}()
	}
	wg.Wait()
	runs := 0
	for _, id := range ids {
		rs, err := a.ListReportRuns(sys(), id)
		must(t, err)
		if len(rs) != 1 || rs[0].Period != "2026-03" {
			t.Fatalf("schedule %s: %d runs", id, len(rs))
		}
		runs++
	}
	if got[0].Reports+got[1].Reports != schedules {
		t.Fatalf("runs recorded: replica 0 %d, replica 1 %d", got[0].Reports, got[1].Reports)
	}
	want := schedules * 3
	seen := map[string]int{}
	for _, m := range srv.messages() {
		if strings.Contains(subjectOf(m.Data), "Report") {
			seen[m.To[0]+"|"+subjectOf(m.Data)]++
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	if len(seen) != want || len(reportEmails(t, a)) != want {
		t.Fatalf("%d distinct report emails delivered, %d in the outbox; want %d", len(seen), len(reportEmails(t, a)), want)
	}
	t.Logf("replica 0 ran %d and sent %d, replica 1 ran %d and sent %d", got[0].Reports, got[0].Sent, got[1].Reports, got[1].Sent)
}
