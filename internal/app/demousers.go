package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// demoUser is one fictional account of the demo, one per role.
type demoUser struct {
	email, name string
	role        casereview.Role
	scope       string // "partnership" or "organisation": the first of each in the demo data
}

var demoUsers = []demoUser{
	{"admin@demo.casereview.invalid", "Demo Admin", casereview.RoleAdmin, ""},
	{"oversight@demo.casereview.invalid", "Demo Oversight Officer", casereview.RoleOversight, ""},
	{"panel@demo.casereview.invalid", "Demo Panel Member", casereview.RolePanel, "partnership"},
	{"agency@demo.casereview.invalid", "Demo Agency Editor", casereview.RoleAgencyEditor, "organisation"},
	{"viewer@demo.casereview.invalid", "Demo Viewer", casereview.RoleViewer, ""},
}

// demoWatchedSearch is the demo oversight officer's and panel member's watched saved search.
const demoWatchedSearch = "q=stalking&sort=newest"

// createDemoUsers adds one user per role to the fictional demo data, each with a random
// password, and writes the sign-in details to <data dir>/demo-credentials.txt (readable by
// the owner only). It runs only with CASEREVIEW_DEMO, on a database that had no reviews, once
// the demo's records exist and before their tracking is replayed: it returns the users, who
// then record the responses, progress, evidence and assessments their roles allow.
func (a *App) createDemoUsers(ctx context.Context) (string, []casereview.Actor, error) {
	ps, err := a.store.ListPartnerships(ctx, casereview.PartnershipFilter{Name: "Eastmere Community Safety"}, casereview.PageRequest{Limit: 1})
	if err != nil || len(ps.Items) == 0 {
		return "", nil, fmt.Errorf("the demo partnership is missing: %v", err)
	}
	orgs, err := a.store.ListOrganisations(ctx, casereview.OrganisationFilter{Sector: "police"}, casereview.PageRequest{Limit: 1})
	if err != nil || len(orgs.Items) == 0 {
		return "", nil, fmt.Errorf("the demo police force is missing: %v", err)
	}
	var people []casereview.Actor
	var b strings.Builder
	b.WriteString("casereview DEMO sign-in details. FOR THE FICTIONAL DEMO DATA ONLY: never use these accounts with real data.\n")
	b.WriteString("Sign in: curl -c jar -H 'Content-Type: application/json' -d '{\"email\":\"…\",\"password\":\"…\"}' http://localhost:8080/api/v1/auth/login\n\n")
	for _, d := range demoUsers {
		pw, err := auth.NewSessionID() // 43 random characters
		if err != nil {
			return "", nil, err
		}
		hash, err := a.auth.NewPasswordHash(pw)
		if err != nil {
			return "", nil, err
		}
		u, err := a.store.CreateUser(ctx, casereview.UserDraft{Email: d.email, DisplayName: d.name}, hash)
		if err != nil {
			return "", nil, err
		}
		m := casereview.MembershipDraft{Role: d.role}
		scope := "everything its role allows"
		switch d.scope {
		case "partnership":
			m.PartnershipID, scope = ps.Items[0].ID, ps.Items[0].Name
		case "organisation":
			m.OrganisationID, scope = orgs.Items[0].ID, orgs.Items[0].Name
		}
		if u, err = a.store.AddMembership(ctx, u.ID, m); err != nil {
			return "", nil, err
		}
		people = append(people, u.Actor())
		if d.role == casereview.RoleOversight || d.role == casereview.RolePanel {
			// A watched saved search (issue 18 §3): adding a recommendation about stalking
			// alerts them, each under their own permissions, at the scheduler's next tick.
			if _, err := a.store.SaveSearch(casereview.WithActor(ctx, u.Actor()), "Stalking", demoWatchedSearch, true); err != nil {
				return "", nil, fmt.Errorf("demo saved search: %w", err)
			}
		}
		fmt.Fprintf(&b, "%-15s %-36s %s\n%15s for: %s\n", d.role, d.email, pw, "", scope)
	}
	path := filepath.Join(a.cfg.DataDir, "demo-credentials.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", nil, err
	}
	return path, people, nil
}
