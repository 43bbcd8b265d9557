package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

func TestCreateOrganisationsTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		before := tableCounts(t, s)
		// A name already taken, or used twice in the batch: refused whole.
		_, err := s.CreateOrganisations(ctx, []casereview.OrganisationDraft{{Name: "Westvale ICB", Sector: "icb"}, {Name: strings.ToUpper(f.police.Name), Sector: "police"}})
		wantErr(t, err, casereview.CodeInvalid, fe{"organisations[1].name", "duplicate"})
		_, err = s.CreateOrganisations(ctx, []casereview.OrganisationDraft{{Name: "Westvale ICB", Sector: "icb"}, {Name: "westvale icb", Sector: "icb"}})
		wantErr(t, err, casereview.CodeInvalid, fe{"organisations[1].name", "duplicate"})
		sameCounts(t, before, tableCounts(t, s))
		got, err := s.CreateOrganisations(ctx, []casereview.OrganisationDraft{{Name: "Westvale ICB", Sector: "icb", Aliases: []string{"WICB"}},
			{Name: "Westvale Homes", Sector: "housing"}})
		must(t, err)
		after := tableCounts(t, s)
		if after["organisations"]-before["organisations"] != 2 || after["organisation_aliases"]-before["organisation_aliases"] != 1 ||
			after["audit_events"]-before["audit_events"] != 2 || after["change_journal"]-before["change_journal"] != 2 {
			t.Fatalf("counts before %v after %v", before, after)
		}
		o, err := s.GetOrganisation(ctx, got[0].ID)
		must(t, err)
		if o.Name != "Westvale ICB" || len(o.Aliases) != 1 || o.Aliases[0] != "WICB" {
			t.Fatalf("read back %+v", o)
		}
		viewer := casereview.WithActor(context.Background(), casereview.Actor{UserID: "0190c000-0000-7000-8000-0000000000bb", Name: "V",
			Memberships: []casereview.Membership{{Role: casereview.RoleViewer}}})
		if _, err := s.CreateOrganisations(viewer, []casereview.OrganisationDraft{{Name: "Nope", Sector: "other"}}); !casereview.IsCode(err, casereview.CodeForbidden) {
			t.Fatalf("viewer: %v", err)
		}
	})
}
