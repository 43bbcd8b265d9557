package summaries_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
	"github.com/casereview/casereview/internal/store/summaries"
)

// The statements that run in shards (the organisations' counts, the overdue tally) give the same
// figures whatever the number of shards: each recommendation is counted in exactly one.
func TestShardsAddUpToTheWhole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		var orgs []string
		for i := range 4 {
			o, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: fmt.Sprintf("Agency %d", i), Sector: []casereview.Sector{"police", "nhs_trust", "other", "nhs_trust"}[i]})
			must(t, err)
			orgs = append(orgs, o.ID)
		}
		var bundles []casereview.ReviewBundle
		past := casereview.MustDate("2025-01-31")
		for r := range 3 {
			pub := casereview.MustDate("2025-02-01")
			b := casereview.ReviewBundle{Review: casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: fmt.Sprintf("SH-%d", r),
				Title: fmt.Sprintf("Adult %d", r), Status: "published", PublishedOn: &pub, Visibility: "shared"}}
			for j := range 30 {
				lead, other := orgs[(r+j)%4], orgs[(r+j+1)%4]
				rb := casereview.RecommendationBundle{Draft: casereview.RecommendationDraft{Number: fmt.Sprint(j + 1), Text: fmt.Sprintf("Review %d, recommendation %d.", r, j+1),
					Scope: "local", Addressees: []casereview.AddresseeDraft{{OrganisationID: lead, Role: "lead", RawText: "x"},
						{OrganisationID: other, Role: []casereview.AddresseeRole{"supporting", "for_information"}[j%2], RawText: "y"}}}}
				if j%3 == 0 {
					rb.Actions = []casereview.ActionDraft{{OrganisationID: other, Description: fmt.Sprintf("Act %d.%d", r, j), TargetDate: &past}}
				}
				b.Recommendations = append(b.Recommendations, rb)
			}
			bundles = append(bundles, b)
		}
		_, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		// Some responded (one accepted), some overdue for a response, some escalated.
		for _, q := range []string{
			"UPDATE recommendations SET response_due = '2025-03-01' WHERE number IN ('2', '5', '8', '11', '14', '17', '20')",
			"UPDATE recommendations SET oversight_status = 'open_unacceptable', response_status = 'not_accepted' WHERE number IN ('4', '10', '16', '22')",
			"UPDATE addressees SET response_status = 'accepted' WHERE recommendation_id IN (SELECT id FROM recommendations WHERE number IN ('3', '6', '9', '12'))",
			"UPDATE addressees SET response_status = 'not_accepted' WHERE recommendation_id IN (SELECT id FROM recommendations WHERE number IN ('7', '13'))",
		} {
			must(t, execSQL(s, q))
		}
		filter := casereview.SummaryFilter{AsOf: casereview.DateOf(fixedNow)}
		whole := summaries.New(s).WithShards(1)
		wantOrgs, err := whole.SummaryOrganisations(ctx, filter, false)
		must(t, err)
		wantSectors, err := whole.SummaryOrganisations(ctx, filter, true)
		must(t, err)
		wantTally, err := whole.SummaryOverdueByOrganisation(ctx, filter)
		must(t, err)
		var items, escalated, responded, accepted int
		for _, o := range wantTally {
			items, escalated = items+o.Items, escalated+o.Escalated
		}
		for _, o := range wantOrgs {
			responded, accepted = responded+o.Responded, accepted+o.Accepted
		}
		if items == 0 || escalated == 0 || responded == 0 || accepted == 0 || len(wantSectors) != 3 {
			t.Fatalf("the world proves little: %d overdue items, %d escalated, %d responded, %d accepted, %d sectors", items, escalated, responded, accepted, len(wantSectors))
		}
		for _, n := range []int{2, 3, 5} {
			sh := summaries.New(s).WithShards(n)
			gotOrgs, err := sh.SummaryOrganisations(ctx, filter, false)
			must(t, err)
			gotSectors, err := sh.SummaryOrganisations(ctx, filter, true)
			must(t, err)
			gotTally, err := sh.SummaryOverdueByOrganisation(ctx, filter)
			must(t, err)
			if !reflect.DeepEqual(gotOrgs, wantOrgs) {
				t.Errorf("%d shards: organisations\n%+v\nwant\n%+v", n, gotOrgs, wantOrgs)
			}
			if !reflect.DeepEqual(gotSectors, wantSectors) {
				t.Errorf("%d shards: sectors\n%+v\nwant\n%+v", n, gotSectors, wantSectors)
			}
			if !reflect.DeepEqual(gotTally, wantTally) {
				t.Errorf("%d shards: overdue tally\n%+v\nwant\n%+v", n, gotTally, wantTally)
			}
		}
	})
}
