package app

import (
	"context"
	"fmt"
	"net/url"

	"github.com/casereview/casereview/internal/casereview"
)

// demoReportSchedule gives the demo's oversight officer a saved thematic summary of the demo
// partnership, scheduled quarterly for the officer and the partnership's panel member, so the
// schedules page, "Run now", the stored run and its emails in the outbox can be shown
// (docs/summaries.md, "Scheduled reports").
func (a *App) demoReportSchedule(ctx context.Context) error {
	sys := casereview.WithActor(ctx, casereview.System)
	find := func(email string) (casereview.User, error) {
		us, err := a.store.ListUsers(sys, casereview.UserFilter{Email: email}, casereview.PageRequest{Limit: 1})
		if err != nil || len(us.Items) == 0 {
			return casereview.User{}, fmt.Errorf("the demo user %s is missing: %v", email, err)
		}
		return us.Items[0], nil
	}
	officer, err := find("oversight@demo.casereview.invalid")
	if err != nil {
		return err
	}
	panel, err := find("panel@demo.casereview.invalid")
	if err != nil {
		return err
	}
	ps, err := a.store.ListPartnerships(sys, casereview.PartnershipFilter{Name: "Eastmere Community Safety"}, casereview.PageRequest{Limit: 1})
	if err != nil || len(ps.Items) == 0 {
		return fmt.Errorf("the demo partnership is missing: %v", err)
	}
	title := "Quarterly monitoring: " + ps.Items[0].Name
	def := url.Values{"title": {title}, "partnership": {ps.Items[0].ID},
		"section": {"headline", "response", "implementation", "oversight", "organisations", "trends"}}
	as := casereview.WithActor(ctx, officer.Actor())
	sum, err := a.store.SaveSummary(as, title, def.Encode())
	if err != nil {
		return fmt.Errorf("demo saved summary: %w", err)
	}
	if _, err := a.store.CreateReportSchedule(as, sum.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly,
		Subscribers: []string{panel.Email}}); err != nil {
		return fmt.Errorf("demo report schedule: %w", err)
	}
	return nil
}
