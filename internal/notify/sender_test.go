package notify_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/notify"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/taxonomy"
)

var day0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.t.Add(int64(d)) }
func newClock() *clock               { c := &clock{}; c.t.Store(day0.UnixNano()); return c }
func discard() *slog.Logger          { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func sys() context.Context           { return casereview.WithActor(context.Background(), casereview.System) }
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world is a store with one overdue recommendation addressed to an organisation with editors
// editors, a senior contact and one oversight officer.
type world struct {
	s       *store.Store
	rec     casereview.Recommendation
	editors []casereview.User
}

func newWorld(t *testing.T, s *store.Store, editors int, visibility casereview.Visibility) world {
	t.Helper()
	ctx := sys()
	p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
	must(t, err)
	org, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police",
		SeniorContactName: "Chief Constable", SeniorContactEmail: "chief@police.example"})
	must(t, err)
	pub := casereview.MustDate("2025-06-01")
	rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "NF-DHR-01", Title: "Adult Q",
		Status: "published", PublishedOn: &pub, Visibility: visibility})
	must(t, err)
	due := casereview.DateOf(day0).AddDays(-40)
	rec, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1", Text: "Secret text of the recommendation.",
		Title: "Confidential title", Scope: "local", ResponseDue: &due,
		Addressees: []casereview.AddresseeDraft{{OrganisationID: org.ID, Role: "lead", RawText: "NFP"}}})
	must(t, err)
	w := world{s: s, rec: rec}
	for i := range editors {
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: fmt.Sprintf("editor%02d@police.example", i), DisplayName: "Editor"}, "")
		must(t, err)
		u, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: org.ID})
		must(t, err)
		w.editors = append(w.editors, u)
	}
	u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "officer@oversight.example", DisplayName: "Officer"}, "")
	must(t, err)
	_, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleOversight})
	must(t, err)
	return w
}

func mailer(t *testing.T, srv *smtpServer, scheme string) *notify.SMTP {
	t.Helper()
	m, err := notify.ParseSMTPURL(scheme+"://"+url.UserPassword(srv.user, srv.password).String()+"@"+srv.addr, "casereview@example.org")
	must(t, err)
	m.TLSConfig = &tls.Config{RootCAs: srv.roots, ServerName: "localhost"}
	m.Timeout = 10 * time.Second
	return m
}

func outbox(t *testing.T, s *store.Store) map[casereview.OutboxStatus]int {
	t.Helper()
	ms, err := s.ListOutbox(sys(), casereview.OutboxFilter{}, 0)
	must(t, err)
	out := map[casereview.OutboxStatus]int{}
	for _, m := range ms {
		out[m.Status]++
	}
	return out
}

func TestSenderDeliversThroughSTARTTLSAndTLS(t *testing.T) {
	for _, scheme := range []string{"smtp", "smtps"} {
		dialect := dbtest.Dialects()[len(dbtest.Dialects())-1] // PostgreSQL when configured
		t.Run(scheme+"/"+dialect, func(t *testing.T) {
			c := newClock()
			s := dbtest.Open(t, dialect, dbtest.Options{Now: c.now})
			w := newWorld(t, s, 1, "restricted")
			srv := startSMTP(t, scheme == "smtps")
			sch := &notify.Scheduler{Store: s, Ladder: casereview.DefaultLadder, Owner: "a", Now: c.now, Log: discard(),
				Sender: &notify.Sender{Outbox: s, Mailer: mailer(t, srv, scheme), BaseURL: "https://cases.example.org/", Owner: "a", Now: c.now}}
			run, err := sch.Tick(context.Background(), false)
			must(t, err)
			// The editor: overdue; the escalation: the senior contact and oversight.
			if !run.Ran || run.Events != 2 || run.Sent != 3 {
				t.Fatalf("tick: %+v", run)
			}
			got := srv.messages()
			var to []string
			for _, m := range got {
				to = append(to, m.To...)
				if !strings.Contains(m.Data, "https://cases.example.org/recommendations/"+w.rec.ID) || strings.Contains(m.Data, "{{base}}") {
					t.Errorf("the email to %v does not link to the record:\n%s", m.To, m.Data)
				}
				if strings.Contains(m.Data, "Confidential title") || strings.Contains(m.Data, "Secret text") {
					t.Errorf("the email to %v carries the restricted record's text:\n%s", m.To, m.Data)
				}
				if m.From != "casereview@example.org" {
					t.Errorf("from %q", m.From)
				}
			}
			if strings.Join(to, ",") == "" || len(to) != 3 || !strings.Contains(strings.Join(to, ","), "chief@police.example") {
				t.Fatalf("delivered to %v", to)
			}
			if st := outbox(t, s); st[casereview.OutboxSent] != 3 || len(st) != 1 {
				t.Fatalf("outbox: %v", st)
			}
			// The same day again: nothing is raised, nothing sent twice.
			run, err = sch.Tick(context.Background(), false)
			must(t, err)
			if run.Ran || run.Sent != 0 || len(srv.messages()) != 3 {
				t.Fatalf("second tick: %+v, %d messages", run, len(srv.messages()))
			}
		})
	}
}

func TestSenderRetriesWithBackoffThenGivesUp(t *testing.T) {
	c := newClock()
	s := dbtest.Open(t, "sqlite", dbtest.Options{Now: c.now})
	newWorld(t, s, 1, "shared")
	_, err := s.EvaluateReminders(sys(), casereview.DateOf(day0), casereview.DefaultLadder)
	must(t, err)
	srv := startSMTP(t, false)
	srv.failNext = 3 // each of the three emails fails once
	snd := &notify.Sender{Outbox: s, Mailer: mailer(t, srv, "smtp"), BaseURL: "https://x.example", Owner: "a", Now: c.now}
	n, err := snd.SendDue(context.Background())
	must(t, err)
	if n != 0 || outbox(t, s)[casereview.OutboxPending] != 3 {
		t.Fatalf("after a temporary failure: sent %d, outbox %v", n, outbox(t, s))
	}
	if n, _ := snd.SendDue(context.Background()); n != 0 {
		t.Fatalf("retried before the backoff: %d", n)
	}
	c.add(notify.Backoff(1))
	n, err = snd.SendDue(context.Background())
	must(t, err)
	if n != 3 || len(srv.messages()) != 3 {
		t.Fatalf("after the backoff: sent %d", n)
	}

	// A server that never answers: the last attempt records the failure.
	_, err = s.EvaluateReminders(sys(), casereview.DateOf(day0).AddDays(8), casereview.DefaultLadder)
	must(t, err)
	dead := &notify.Sender{Outbox: s, Mailer: failing{}, Owner: "a", Now: c.now}
	for range notify.MaxAttempts {
		_, err := dead.SendDue(context.Background())
		must(t, err)
		c.add(3 * time.Hour)
	}
	st := outbox(t, s)
	if st[casereview.OutboxFailed] != 1 || st[casereview.OutboxPending] != 0 {
		t.Fatalf("after %d failed attempts: %v", notify.MaxAttempts, st)
	}
	ms, err := s.ListOutbox(sys(), casereview.OutboxFilter{Status: casereview.OutboxFailed}, 0)
	must(t, err)
	if len(ms) != 1 || ms[0].Attempts != notify.MaxAttempts || !strings.Contains(ms[0].LastError, "connection refused") {
		t.Fatalf("failed: %+v", ms)
	}
}

type failing struct{}

func (failing) Send(context.Context, string, string, string) error {
	return fmt.Errorf("dial tcp 127.0.0.1:1: connection refused")
}

func TestSenderChecksPermissionAtSendTime(t *testing.T) {
	c := newClock()
	s := dbtest.Open(t, "sqlite", dbtest.Options{Now: c.now})
	w := newWorld(t, s, 2, "shared")
	_, err := s.EvaluateReminders(sys(), casereview.DateOf(day0), casereview.DefaultLadder)
	must(t, err)
	// One editor leaves before the email goes.
	u := w.editors[0]
	_, err = s.UpdateUser(sys(), u.ID, u.Version, casereview.UserDraft{Email: u.Email, DisplayName: u.DisplayName, Disabled: true})
	must(t, err)
	srv := startSMTP(t, false)
	n, err := (&notify.Sender{Outbox: s, Mailer: mailer(t, srv, "smtp"), Owner: "a", Now: c.now}).SendDue(context.Background())
	must(t, err)
	for _, m := range srv.messages() {
		if m.To[0] == u.Email {
			t.Fatalf("an email went to the disabled %s", u.Email)
		}
	}
	if st := outbox(t, s); n != 3 || st[casereview.OutboxWithheld] != 1 {
		t.Fatalf("sent %d, outbox %v", n, st)
	}
}

// Two senders (two processes' stores) over one PostgreSQL database deliver every email once.
func TestTwoSendersDeliverEachEmailOnce(t *testing.T) {
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
	newWorld(t, a, 40, "shared")
	_, err = a.EvaluateReminders(sys(), casereview.DateOf(day0), casereview.DefaultLadder)
	must(t, err)
	want := outbox(t, a)[casereview.OutboxPending]
	if want != 42 {
		t.Fatalf("pending: %d", want)
	}
	srv := startSMTP(t, false)
	var wg sync.WaitGroup
	sent := make([]int, 2)
	for i, st := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd := &notify.Sender{Outbox: st, Mailer: mailer(t, srv, "smtp"), Owner: fmt.Sprintf("replica-%d", i), Now: c.now, Batch: 3}
			n, err := snd.SendDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			sent[i] = n
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.messages() {
		seen[m.To[0]+"|"+subjectOf(m.Data)]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	if len(srv.messages()) != want || sent[0]+sent[1] != want || outbox(t, a)[casereview.OutboxSent] != want {
		t.Fatalf("delivered %d (replica 0: %d, replica 1: %d); want %d", len(srv.messages()), sent[0], sent[1], want)
	}
	t.Logf("replica 0 sent %d, replica 1 sent %d", sent[0], sent[1])
}

func subjectOf(data string) string {
	for _, l := range strings.Split(data, "\r\n") {
		if strings.HasPrefix(l, "Subject:") {
			return l
		}
	}
	return ""
}

// A sender that dies after claiming (its process killed mid-run) leaves its emails unsent, not
// lost: once its lease lapses another sender delivers them, each once.
func TestClaimsOfADeadSenderLapse(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			c := newClock()
			s := dbtest.Open(t, dialect, dbtest.Options{Now: c.now})
			newWorld(t, s, 4, "shared")
			_, err := s.EvaluateReminders(sys(), casereview.DateOf(day0), casereview.DefaultLadder)
			must(t, err)
			claimed, err := s.ClaimOutbox(sys(), "killed", 3, 5*time.Minute)
			must(t, err)
			if len(claimed) != 3 {
				t.Fatalf("claimed %d", len(claimed))
			}
			srv := startSMTP(t, false)
			live := &notify.Sender{Outbox: s, Mailer: mailer(t, srv, "smtp"), Owner: "live", Now: c.now}
			n, err := live.SendDue(context.Background())
			must(t, err)
			if n != 3 || outbox(t, s)[casereview.OutboxPending] != 3 {
				t.Fatalf("while the dead sender's lease holds: sent %d, outbox %v", n, outbox(t, s))
			}
			c.add(6 * time.Minute)
			n, err = live.SendDue(context.Background())
			must(t, err)
			seen := map[string]int{}
			for _, m := range srv.messages() {
				seen[m.To[0]+"|"+subjectOf(m.Data)]++
			}
			if n != 3 || len(srv.messages()) != 6 || len(seen) != 6 || outbox(t, s)[casereview.OutboxSent] != 6 {
				t.Fatalf("after the lease lapsed: sent %d, %d messages (%d distinct), outbox %v", n, len(srv.messages()), len(seen), outbox(t, s))
			}
			// The dead sender, were it to come back, cannot record what it no longer holds.
			if err := s.FinishOutbox(sys(), "killed", claimed[0], casereview.OutboxSent, nil, time.Time{}); err == nil {
				t.Fatal("a lapsed claim was recorded")
			}
		})
	}
}
