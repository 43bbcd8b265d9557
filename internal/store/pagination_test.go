package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Every list pages newest first through opaque cursors, with no duplicates or gaps and the same
// total on every page.
func TestPaginationAllLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		const n = 25
		var ps, os, rvs, recs, acts []string
		for i := range n {
			p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: fmt.Sprintf("Partnership %02d", i), Kind: "other"})
			must(t, err)
			ps = append(ps, p.ID)
			o, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: fmt.Sprintf("Organisation %02d", i), Sector: "other", Aliases: []string{fmt.Sprintf("Org %d", i)}})
			must(t, err)
			os = append(os, o.ID)
		}
		for i := range n {
			r, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: ps[0], Reference: fmt.Sprintf("R-%02d", i), Title: "T", Status: "commissioned", Visibility: "shared"})
			must(t, err)
			rvs = append(rvs, r.ID)
		}
		for i := range n {
			r, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rvs[0], Number: fmt.Sprint(i + 1), Text: "x", Scope: "local",
				Addressees: []casereview.AddresseeDraft{{OrganisationID: os[0], Role: "lead"}, {OrganisationID: os[1], Role: "supporting"}},
				Themes:     []casereview.ThemeDraft{{Code: "A09"}, {Code: "C01"}}})
			must(t, err)
			recs = append(recs, r.ID)
		}
		for i := range n {
			a, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: recs[0], OrganisationID: os[0], Description: fmt.Sprint("action ", i)})
			must(t, err)
			acts = append(acts, a.ID)
		}

		type lister struct {
			name string
			all  []string
			page func(limit int) ([]string, int64)
		}
		listers := []lister{
			{"partnerships", ps, func(limit int) ([]string, int64) {
				return pageAll(t, limit, func(r casereview.PageRequest) (casereview.Page[casereview.Partnership], error) {
					return s.ListPartnerships(ctx, casereview.PartnershipFilter{}, r)
				}, func(x casereview.Partnership) string { return x.ID })
			}},
			{"organisations", os, func(limit int) ([]string, int64) {
				return pageAll(t, limit, func(r casereview.PageRequest) (casereview.Page[casereview.Organisation], error) {
					p, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{}, r)
					for _, o := range p.Items {
						if len(o.Aliases) != 1 {
							t.Fatalf("organisation %s listed with aliases %v", o.Name, o.Aliases)
						}
					}
					return p, err
				}, func(x casereview.Organisation) string { return x.ID })
			}},
			{"reviews", rvs, func(limit int) ([]string, int64) {
				return pageAll(t, limit, func(r casereview.PageRequest) (casereview.Page[casereview.Review], error) {
					p, err := s.ListReviews(ctx, casereview.ReviewFilter{}, r)
					for _, x := range p.Items {
						want := 0
						if x.ID == rvs[0] {
							want = n
						}
						if x.RecommendationCount != want {
							t.Fatalf("review %s listed with %d recommendations; want %d", x.Reference, x.RecommendationCount, want)
						}
					}
					return p, err
				}, func(x casereview.Review) string { return x.ID })
			}},
			{"recommendations", recs, func(limit int) ([]string, int64) {
				return pageAll(t, limit, func(r casereview.PageRequest) (casereview.Page[casereview.Recommendation], error) {
					p, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{}, r)
					for _, x := range p.Items {
						if len(x.Addressees) != 2 || len(x.Themes) != 2 || x.Addressees[1].Role != "supporting" || x.Themes[0].Code != "A09" {
							t.Fatalf("recommendation %s listed with %+v %+v", x.Number, x.Addressees, x.Themes)
						}
					}
					return p, err
				}, func(x casereview.Recommendation) string { return x.ID })
			}},
			{"actions", acts, func(limit int) ([]string, int64) {
				return pageAll(t, limit, func(r casereview.PageRequest) (casereview.Page[casereview.Action], error) {
					return s.ListActions(ctx, casereview.ActionFilter{}, r)
				}, func(x casereview.Action) string { return x.ID })
			}},
		}
		for _, l := range listers {
			for _, limit := range []int{7, 5, 1, 24, 25, 200} {
				got, total := l.page(limit)
				if total != n {
					t.Fatalf("%s limit %d: total %d; want %d", l.name, limit, total, n)
				}
				if !slices.Equal(got, reversed(l.all)) {
					t.Fatalf("%s limit %d: paged ids are not the %d records newest first:\n got  %v\n want %v", l.name, limit, n, got, reversed(l.all))
				}
			}
		}

		// The first page of 7 says exactly where it stops.
		p, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 7})
		must(t, err)
		if p.Total != n || len(p.Items) != 7 || p.NextCursor != casereview.EncodeCursor(recs[n-7]) {
			t.Fatalf("first page: total %d, %d items, cursor %q", p.Total, len(p.Items), p.NextCursor)
		}
	})
}

// Records created or deleted between pages neither repeat nor skip the records that remain.
func TestPaginationStableUnderWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		var ids []string
		for i := range 20 {
			r, err := s.CreateRecommendation(ctx, f.recDraft(fmt.Sprint(i+1)))
			must(t, err)
			ids = append(ids, r.ID)
		}
		newest := reversed(ids)
		limit := 7
		p1, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: limit})
		must(t, err)
		// A new recommendation (newer than everything) and the deletion of one on the next page.
		_, err = s.CreateRecommendation(ctx, f.recDraft("new"))
		must(t, err)
		gone, err := s.GetRecommendation(ctx, newest[9])
		must(t, err)
		must(t, s.DeleteRecommendation(ctx, gone.ID, gone.Version))

		got := []string{}
		for _, r := range p1.Items {
			got = append(got, r.ID)
		}
		cur := p1.NextCursor
		for cur != "" {
			req, err := casereview.ParsePageRequest(&limit, &cur)
			must(t, err)
			p, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{}, req)
			must(t, err)
			if p.Total != 20 { // 20 + 1 created - 1 deleted
				t.Fatalf("total %d after the writes; want 20", p.Total)
			}
			for _, r := range p.Items {
				got = append(got, r.ID)
			}
			cur = p.NextCursor
		}
		want := slices.Delete(slices.Clone(newest), 9, 10)
		if !slices.Equal(got, want) {
			t.Fatalf("pages after concurrent writes:\n got  %v\n want %v", got, want)
		}
	})
}

// world is a small, varied data set for the list filters.
type world struct {
	parts   []casereview.Partnership // P1 Northfold CSP, P2 Southfold SAB, P3 Westfold SCP
	police  casereview.Organisation
	la      casereview.Organisation
	health  casereview.Organisation
	ppu     casereview.Organisation // child of police
	westPol casereview.Organisation
	refuge  casereview.Organisation // a name full of LIKE wildcards
	reviews []casereview.Review     // R1..R6 as below
	recs    []recSpec
	acts    []actSpec
}

type recSpec struct {
	rec                   casereview.Recommendation
	review                casereview.Review
	resp, impl, oversight string
	themes                []string // codes
	addressees            map[string]casereview.AddresseeRole
	interventionType      string
	due                   *casereview.Date
	scope                 casereview.Scope
}

type actSpec struct {
	act       casereview.Action
	status    string
	target    *casereview.Date
	completed bool
}

func newWorld(t *testing.T, s *store.Store) world {
	t.Helper()
	ctx := sysCtx()
	f := newFixture(t, s)
	w := world{police: f.police, la: f.la}
	var err error
	w.parts = []casereview.Partnership{f.p}
	for _, d := range []casereview.PartnershipDraft{
		{Name: "Southfold SAB", Kind: "safeguarding_adults_board"},
		{Name: "Westfold Safeguarding Children Partnership", Kind: "safeguarding_children_partnership"},
	} {
		p, err := s.CreatePartnership(ctx, d)
		must(t, err)
		w.parts = append(w.parts, p)
	}
	w.health, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold NHS Trust", Sector: "nhs_trust", Aliases: []string{"NHS Northfold"}})
	must(t, err)
	w.ppu, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police PPU", Sector: "police", ParentID: &f.police.ID})
	must(t, err)
	w.westPol, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Westfold Police", Sector: "police"})
	must(t, err)
	w.refuge, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Safe_Home 100% Refuge", Sector: "specialist_da_service"})
	must(t, err)

	w.reviews = []casereview.Review{f.review} // R1: DHR, P1, NF-DHR-01, published 2025-06-01, shared
	for _, d := range []casereview.ReviewDraft{
		{Type: "SAR", PartnershipID: w.parts[1].ID, Reference: "SF-SAR-01", Title: "Mr A", Status: "published", PublishedOn: date("2024-11-15"), Visibility: "public"},
		{Type: "DHR", PartnershipID: w.parts[1].ID, Reference: "SF-DHR-07", Title: "Ms C", Status: "in_progress", Visibility: "restricted"},
		{Type: "CSPR", PartnershipID: w.parts[2].ID, Reference: "WF-CSPR-02", Title: "Child Q", Status: "submitted_for_qa", Visibility: "shared"},
		{Type: "PFD", PartnershipID: w.parts[0].ID, Reference: "NF-PFD-2025-0100", Title: "Regulation 28: Adult Q", Status: "published", PublishedOn: date("2025-12-01"), Visibility: "public"},
		{Type: "DHR", PartnershipID: w.parts[0].ID, Reference: "NF-DHR-02", Title: "Adult R (Dhr)", Status: "withdrawn", Visibility: "restricted"},
	} {
		r, err := s.CreateReview(ctx, d)
		must(t, err)
		w.reviews = append(w.reviews, r)
	}

	itypes := []string{"training", "policy_procedure", "governance", "audit_assurance"}
	themeSets := [][]casereview.ThemeDraft{
		{{Code: "A09"}},
		{{Code: "C01", Primary: true}, {Code: "A02"}},
		{{Code: "stalking"}, {Code: "information-sharing"}},
		nil,
	}
	themeCodes := [][]string{{"A09"}, {"C01", "A02"}, {"A09", "C03"}, nil}
	db, err := s.SQLDB()
	must(t, err)
	for i := range 24 {
		rv := w.reviews[i%4]
		spec := recSpec{review: rv, scope: casereview.Scopes[(i/4)%3], themes: themeCodes[(i/3)%4], resp: "awaiting_response",
			impl: "not_started", oversight: "open_unassessed", addressees: map[string]casereview.AddresseeRole{}}
		d := casereview.RecommendationDraft{ReviewID: rv.ID, Number: fmt.Sprint(i + 1), Text: fmt.Sprintf("Recommendation %d", i), Scope: spec.scope,
			Themes: slices.Clone(themeSets[(i/3)%4])}
		if i%5 != 0 {
			spec.interventionType = itypes[(i/2)%4]
			d.InterventionType = ptr(spec.interventionType)
		}
		if i%6 != 5 {
			spec.due = ptr(casereview.MustDate("2026-01-01").AddDays(7 * i))
			d.ResponseDue = spec.due
		}
		switch i % 3 {
		case 0:
			d.Addressees = []casereview.AddresseeDraft{{OrganisationID: w.police.ID, Role: "lead"}}
		case 1:
			d.Addressees = []casereview.AddresseeDraft{{OrganisationID: w.la.ID, Role: "lead"}, {OrganisationID: w.police.ID, Role: "supporting"}}
		case 2:
			d.Addressees = []casereview.AddresseeDraft{{OrganisationID: w.health.ID, Role: "lead"}, {OrganisationID: w.la.ID, Role: "for_information"}}
		}
		for _, a := range d.Addressees {
			spec.addressees[a.OrganisationID] = a.Role
		}
		spec.rec, err = s.CreateRecommendation(ctx, d)
		must(t, err)
		// The status layers have no write path yet; set them behind the domain's back.
		if i%7 == 1 {
			spec.resp = "accepted"
		} else if i%7 == 2 {
			spec.resp = "not_accepted"
		}
		if i%5 == 2 {
			spec.impl = "in_progress"
		}
		if i%8 == 3 {
			spec.oversight = "open_acceptable"
		}
		w.recs = append(w.recs, spec)
	}
	for i, rs := range w.recs {
		if i%2 != 0 {
			continue
		}
		as := actSpec{status: "not_started"}
		d := casereview.ActionDraft{RecommendationID: rs.rec.ID, OrganisationID: rs.rec.Addressees[0].OrganisationID, Description: fmt.Sprint("Action ", i)}
		if i%4 == 0 {
			as.target = ptr(casereview.MustDate("2026-04-01").AddDays(10 * i))
			d.TargetDate = as.target
		}
		if i%6 == 0 {
			as.completed = true
			d.CompletionDate = date("2026-02-01")
		}
		as.act, err = s.CreateAction(ctx, d)
		must(t, err)
		if i%8 == 0 {
			as.status = "in_progress"
			if _, err := db.Exec(rebind(s, "UPDATE actions SET implementation_status = ? WHERE id = ?"), as.status, as.act.ID); err != nil {
				t.Fatal(err)
			}
		}
		w.acts = append(w.acts, as)
	}
	// Statuses are set by hand last: writing an action settles its recommendation's roll-ups.
	for _, spec := range w.recs {
		if _, err := db.Exec(rebind(s, "UPDATE recommendations SET response_status = ?, implementation_status = ?, oversight_status = ? WHERE id = ?"),
			spec.resp, spec.impl, spec.oversight, spec.rec.ID); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func pick[T any](items []T, keep func(T) bool, id func(T) string) []string {
	out := []string{}
	for _, it := range items {
		if keep(it) {
			out = append(out, id(it))
		}
	}
	return reversed(out)
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		w := newWorld(t, s)
		r := w.reviews

		// check lists with the filter through pages of 4 and compares with want exactly.
		check := func(t *testing.T, want []string, got []string, total int64) {
			t.Helper()
			if len(want) == 0 {
				t.Fatal("the test data gives this filter nothing to find")
			}
			if total != int64(len(want)) || !slices.Equal(got, want) {
				t.Fatalf("got %d (total %d):\n %v\nwant %d:\n %v", len(got), total, got, len(want), want)
			}
		}

		t.Run("recommendations", func(t *testing.T) {
			d := func(s string) *casereview.Date { return date(s) }
			has := func(codes []string, c string) bool { return slices.Contains(codes, c) }
			cases := []struct {
				name string
				f    casereview.RecommendationFilter
				keep func(recSpec) bool
			}{
				{"review_id", casereview.RecommendationFilter{ReviewID: r[1].ID}, func(x recSpec) bool { return x.review.ID == r[1].ID }},
				{"review_type", casereview.RecommendationFilter{ReviewType: "DHR"}, func(x recSpec) bool { return x.review.Type == "DHR" }},
				{"review_type lower case", casereview.RecommendationFilter{ReviewType: "sar"}, func(x recSpec) bool { return x.review.Type == "SAR" }},
				{"partnership_id", casereview.RecommendationFilter{PartnershipID: w.parts[1].ID}, func(x recSpec) bool { return x.review.PartnershipID == w.parts[1].ID }},
				{"review_type and partnership", casereview.RecommendationFilter{ReviewType: "DHR", PartnershipID: w.parts[1].ID},
					func(x recSpec) bool { return x.review.ID == r[2].ID }},
				{"organisation_id", casereview.RecommendationFilter{OrganisationID: w.la.ID}, func(x recSpec) bool { _, ok := x.addressees[w.la.ID]; return ok }},
				{"organisation_id as supporting", casereview.RecommendationFilter{OrganisationID: w.police.ID, AddresseeRole: "supporting"},
					func(x recSpec) bool { return x.addressees[w.police.ID] == "supporting" }},
				{"organisation_id as lead", casereview.RecommendationFilter{OrganisationID: w.police.ID, AddresseeRole: "lead"},
					func(x recSpec) bool { return x.addressees[w.police.ID] == "lead" }},
				{"theme by code", casereview.RecommendationFilter{Theme: "A09"}, func(x recSpec) bool { return has(x.themes, "A09") }},
				{"theme by lower-case code", casereview.RecommendationFilter{Theme: "a09"}, func(x recSpec) bool { return has(x.themes, "A09") }},
				{"theme by slug", casereview.RecommendationFilter{Theme: "stalking"}, func(x recSpec) bool { return has(x.themes, "A09") }},
				{"secondary theme by slug", casereview.RecommendationFilter{Theme: "coercive-control"}, func(x recSpec) bool { return has(x.themes, "A02") }},
				{"scope", casereview.RecommendationFilter{Scope: "regional"}, func(x recSpec) bool { return x.scope == "regional" }},
				{"intervention_type", casereview.RecommendationFilter{InterventionType: "training"}, func(x recSpec) bool { return x.interventionType == "training" }},
				{"response_status", casereview.RecommendationFilter{ResponseStatus: "accepted"}, func(x recSpec) bool { return x.resp == "accepted" }},
				{"implementation_status", casereview.RecommendationFilter{ImplementationStatus: "in_progress"}, func(x recSpec) bool { return x.impl == "in_progress" }},
				{"oversight_status", casereview.RecommendationFilter{OversightStatus: "open_acceptable"}, func(x recSpec) bool { return x.oversight == "open_acceptable" }},
				{"due_from", casereview.RecommendationFilter{DueFrom: d("2026-03-01")}, func(x recSpec) bool { return x.due != nil && !x.due.Before(*d("2026-03-01")) }},
				{"due_to", casereview.RecommendationFilter{DueTo: d("2026-02-05")}, func(x recSpec) bool { return x.due != nil && !d("2026-02-05").Before(*x.due) }},
				{"due range inclusive", casereview.RecommendationFilter{DueFrom: d("2026-01-15"), DueTo: d("2026-02-26")},
					func(x recSpec) bool {
						return x.due != nil && !x.due.Before(*d("2026-01-15")) && !d("2026-02-26").Before(*x.due)
					}},
				{"combined", casereview.RecommendationFilter{ReviewType: "DHR", Theme: "C01", OrganisationID: w.police.ID, ResponseStatus: "awaiting_response"},
					func(x recSpec) bool {
						_, ok := x.addressees[w.police.ID]
						return x.review.Type == "DHR" && has(x.themes, "C01") && ok && x.resp == "awaiting_response"
					}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, total := pageAll(t, 4, func(pr casereview.PageRequest) (casereview.Page[casereview.Recommendation], error) {
						return s.ListRecommendations(ctx, c.f, pr)
					}, func(x casereview.Recommendation) string { return x.ID })
					check(t, pick(w.recs, c.keep, func(x recSpec) string { return x.rec.ID }), got, total)
				})
			}
			// Spot checks, so the expectations above do not merely mirror the store's logic.
			p, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: r[1].ID}, casereview.PageRequest{Limit: 50})
			must(t, err)
			if p.Total != 6 || p.Items[0].Number != "22" || p.Items[5].Number != "2" {
				t.Fatalf("recommendations of R2: total %d, first %s, last %s", p.Total, p.Items[0].Number, p.Items[5].Number)
			}
			p, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{Theme: "stalking", OrganisationID: w.health.ID}, casereview.PageRequest{Limit: 50})
			must(t, err)
			if p.Total != 4 || len(p.Items) != 4 || p.Items[0].Number != "21" || p.Items[1].Number != "15" || p.Items[2].Number != "9" || p.Items[3].Number != "3" {
				t.Fatalf("stalking for the NHS trust: %d items", p.Total)
			}
			_, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{Theme: "no-such-theme"}, casereview.PageRequest{Limit: 50})
			wantErr(t, err, casereview.CodeInvalid, fe{"theme", "unknown_value"})
			_, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{Scope: "planet", ReviewID: "x", AddresseeRole: "boss"}, casereview.PageRequest{Limit: 50})
			wantErr(t, err, casereview.CodeInvalid, fe{"scope", "unknown_value"}, fe{"review_id", "invalid"}, fe{"addressee_role", "unknown_value"})
			p, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: missingID}, casereview.PageRequest{Limit: 50})
			must(t, err)
			if p.Total != 0 || len(p.Items) != 0 || p.NextCursor != "" || p.Items == nil {
				t.Fatalf("no matches: %+v", p)
			}
		})

		t.Run("reviews", func(t *testing.T) {
			cases := []struct {
				name string
				f    casereview.ReviewFilter
				want []int // indexes into w.reviews
			}{
				{"type", casereview.ReviewFilter{Type: "DHR"}, []int{0, 2, 5}},
				{"type lower case", casereview.ReviewFilter{Type: "sar"}, []int{1}},
				{"partnership_id", casereview.ReviewFilter{PartnershipID: w.parts[0].ID}, []int{0, 4, 5}},
				{"status", casereview.ReviewFilter{Status: "published"}, []int{0, 1, 4}},
				{"visibility", casereview.ReviewFilter{Visibility: "public"}, []int{1, 4}},
				{"reference", casereview.ReviewFilter{Reference: "SF-DHR-07"}, []int{2}},
				{"published_from", casereview.ReviewFilter{PublishedFrom: date("2025-01-01")}, []int{0, 4}},
				{"published_to inclusive", casereview.ReviewFilter{PublishedTo: date("2025-06-01")}, []int{0, 1}},
				{"published range", casereview.ReviewFilter{PublishedFrom: date("2025-06-01"), PublishedTo: date("2025-06-01")}, []int{0}},
				{"text in title or reference, any case", casereview.ReviewFilter{Text: "dhr"}, []int{0, 2, 5}},
				{"text in title", casereview.ReviewFilter{Text: "ADULT q"}, []int{0, 4}},
				// The text condition is an OR; it must not swallow the other filters.
				{"text with partnership", casereview.ReviewFilter{Text: "dhr", PartnershipID: w.parts[1].ID}, []int{2}},
				{"text with type", casereview.ReviewFilter{Text: "adult", Type: "PFD"}, []int{4}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, total := pageAll(t, 2, func(pr casereview.PageRequest) (casereview.Page[casereview.Review], error) {
						return s.ListReviews(ctx, c.f, pr)
					}, func(x casereview.Review) string { return x.ID })
					var want []string
					for _, i := range c.want {
						want = append(want, r[i].ID)
					}
					check(t, reversed(want), got, total)
				})
			}
			p, err := s.ListReviews(ctx, casereview.ReviewFilter{Reference: "sf-dhr-07"}, casereview.PageRequest{Limit: 10})
			must(t, err)
			if p.Total != 0 {
				t.Fatalf("reference matched in another case: %d", p.Total)
			}
			p, err = s.ListReviews(ctx, casereview.ReviewFilter{Text: "dhr", PartnershipID: w.parts[1].ID}, casereview.PageRequest{Limit: 10})
			must(t, err)
			if len(p.Items) != 1 || p.Items[0].RecommendationCount != 6 {
				t.Fatalf("listed review carries the wrong recommendation count: %+v", p.Items)
			}
			_, err = s.ListReviews(ctx, casereview.ReviewFilter{Status: "closed", Visibility: "secret"}, casereview.PageRequest{Limit: 10})
			wantErr(t, err, casereview.CodeInvalid, fe{"status", "unknown_value"}, fe{"visibility", "unknown_value"})
		})

		t.Run("organisations", func(t *testing.T) {
			all := []casereview.Organisation{w.police, w.la, w.health, w.ppu, w.westPol, w.refuge}
			cases := []struct {
				name string
				f    casereview.OrganisationFilter
				want []int // indexes into all
			}{
				{"sector", casereview.OrganisationFilter{Sector: "police"}, []int{0, 3, 4}},
				{"parent_id", casereview.OrganisationFilter{ParentID: w.police.ID}, []int{3}},
				{"name substring, any case", casereview.OrganisationFilter{Name: "NORTHFOLD"}, []int{0, 1, 2, 3}},
				{"alias substring", casereview.OrganisationFilter{Name: "constab"}, []int{0}},
				{"alias with its spaces folded", casereview.OrganisationFilter{Name: "nhs   NORTHFOLD"}, []int{2}},
				{"name with sector", casereview.OrganisationFilter{Name: "northfold", Sector: "police"}, []int{0, 3}},
				{"alias with sector that excludes it", casereview.OrganisationFilter{Name: "nfp", Sector: "nhs_trust"}, nil},
				{"a literal percent sign", casereview.OrganisationFilter{Name: "0%"}, []int{5}},
				{"a literal underscore", casereview.OrganisationFilter{Name: "e_h"}, []int{5}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, total := pageAll(t, 2, func(pr casereview.PageRequest) (casereview.Page[casereview.Organisation], error) {
						return s.ListOrganisations(ctx, c.f, pr)
					}, func(x casereview.Organisation) string { return x.ID })
					want := []string{}
					for _, i := range c.want {
						want = append(want, all[i].ID)
					}
					if c.want == nil {
						if total != 0 || len(got) != 0 {
							t.Fatalf("got %d (total %d); want none", len(got), total)
						}
						return
					}
					check(t, reversed(want), got, total)
				})
			}
			// "%" alone would match everything if it were not escaped.
			p, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{Name: "%"}, casereview.PageRequest{Limit: 10})
			must(t, err)
			if p.Total != 1 || p.Items[0].ID != w.refuge.ID {
				t.Fatalf("name %%: total %d", p.Total)
			}
		})

		t.Run("partnerships", func(t *testing.T) {
			p, err := s.ListPartnerships(ctx, casereview.PartnershipFilter{Kind: "safeguarding_adults_board"}, casereview.PageRequest{Limit: 10})
			must(t, err)
			if p.Total != 1 || p.Items[0].ID != w.parts[1].ID {
				t.Fatalf("by kind: %+v", p)
			}
			got, total := pageAll(t, 1, func(pr casereview.PageRequest) (casereview.Page[casereview.Partnership], error) {
				return s.ListPartnerships(ctx, casereview.PartnershipFilter{Name: "FOLD S"}, pr)
			}, func(x casereview.Partnership) string { return x.ID })
			check(t, []string{w.parts[2].ID, w.parts[1].ID}, got, total)
		})

		t.Run("actions", func(t *testing.T) {
			d := func(s string) *casereview.Date { return date(s) }
			cases := []struct {
				name string
				f    casereview.ActionFilter
				keep func(actSpec) bool
			}{
				{"recommendation_id", casereview.ActionFilter{RecommendationID: w.recs[4].rec.ID}, func(x actSpec) bool { return x.act.RecommendationID == w.recs[4].rec.ID }},
				{"organisation_id", casereview.ActionFilter{OrganisationID: w.police.ID}, func(x actSpec) bool { return x.act.OrganisationID == w.police.ID }},
				{"implementation_status", casereview.ActionFilter{ImplementationStatus: "in_progress"}, func(x actSpec) bool { return x.status == "in_progress" }},
				{"target_from inclusive", casereview.ActionFilter{TargetFrom: d("2026-05-01")}, func(x actSpec) bool { return x.target != nil && !x.target.Before(*d("2026-05-01")) }},
				{"target_to inclusive", casereview.ActionFilter{TargetTo: d("2026-05-11")}, func(x actSpec) bool { return x.target != nil && !d("2026-05-11").Before(*x.target) }},
				{"completed", casereview.ActionFilter{Completed: ptr(true)}, func(x actSpec) bool { return x.completed }},
				{"not completed", casereview.ActionFilter{Completed: ptr(false)}, func(x actSpec) bool { return !x.completed }},
				{"organisation and not completed", casereview.ActionFilter{OrganisationID: w.health.ID, Completed: ptr(false)},
					func(x actSpec) bool { return x.act.OrganisationID == w.health.ID && !x.completed }},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, total := pageAll(t, 3, func(pr casereview.PageRequest) (casereview.Page[casereview.Action], error) {
						return s.ListActions(ctx, c.f, pr)
					}, func(x casereview.Action) string { return x.ID })
					check(t, pick(w.acts, c.keep, func(x actSpec) string { return x.act.ID }), got, total)
				})
			}
			p, err := s.ListActions(ctx, casereview.ActionFilter{Completed: ptr(true)}, casereview.PageRequest{Limit: 10})
			must(t, err)
			if p.Total != 4 { // actions 0, 6, 12, 18
				t.Fatalf("completed actions: %d; want 4", p.Total)
			}
			_, err = s.ListActions(ctx, casereview.ActionFilter{ImplementationStatus: "finished", OrganisationID: "x"}, casereview.PageRequest{Limit: 10})
			wantErr(t, err, casereview.CodeInvalid, fe{"implementation_status", "unknown_value"}, fe{"organisation_id", "invalid"})
		})
	})
}
