package pfdimport

import (
	"context"
	"fmt"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// write hands the bundles to the store: all in one transaction, or in batches of o.Batch. The
// partnerships and organisations to create go with the first batch that names them, into its
// transaction (casereview.ImportOptions.Create), so a batch that fails, or whose process is
// killed, leaves none of them behind without their reviews. A dry run asks the store about the
// reviews it can judge (those of existing areas, without the organisations still to be created)
// and counts the others, whose areas do not exist yet, as created.
func write(ctx context.Context, svc Services, o Options, bundles []casereview.ReviewBundle, creates casereview.ImportCreates, res *Result) error {
	res.Result = casereview.ImportResult{Source: "pfd", DryRun: o.DryRun}
	if o.DryRun {
		var judged []casereview.ReviewBundle
		for _, b := range bundles {
			if strings.HasPrefix(b.Review.PartnershipID, pendingPrefix) {
				res.Result.ReviewsCreated++
				res.Result.RecommendationsCreated += len(b.Recommendations)
				continue
			}
			for k, rb := range b.Recommendations {
				var keep []casereview.AddresseeDraft
				for _, a := range rb.Draft.Addressees {
					if !strings.HasPrefix(a.OrganisationID, pendingPrefix) {
						keep = append(keep, a)
					}
				}
				b.Recommendations[k].Draft.Addressees = keep
			}
			judged = append(judged, b)
		}
		bundles = judged
		creates = casereview.ImportCreates{}
	}
	batch := o.Batch
	if batch <= 0 {
		batch = len(bundles)
	}
	made := map[string]string{} // pending key -> id, for what earlier batches created
	total, done := res.Items, 0
	for i := 0; i < len(bundles); i += batch {
		part := bundles[i:min(i+batch, len(bundles))]
		n := 0
		for _, b := range part {
			n += len(b.Recommendations)
		}
		c := createsFor(part, creates, made)
		base := done
		r, err := svc.ImportBundles(ctx, part, casereview.ImportOptions{DryRun: o.DryRun, Source: "pfd", Create: c, Progress: func(d, _ int) {
			if o.Progress != nil {
				o.Progress(base+d, total)
			}
		}})
		if err != nil {
			return err
		}
		done += n
		merge(&res.Result, r)
		if i+batch < len(bundles) && (len(c.Partnerships) > 0 || len(c.Organisations) > 0) {
			if err := learnIDs(ctx, svc, c, made); err != nil {
				return err
			}
		}
	}
	return nil
}

// createsFor points part's pending keys at what earlier batches created, and returns what is
// still to be created for it.
func createsFor(part []casereview.ReviewBundle, creates casereview.ImportCreates, made map[string]string) casereview.ImportCreates {
	named := map[string]bool{}
	swap := func(v *string) {
		if !strings.HasPrefix(*v, pendingPrefix) {
			return
		}
		if id, ok := made[*v]; ok {
			*v = id
			return
		}
		named[*v] = true
	}
	for i := range part {
		swap(&part[i].Review.PartnershipID)
		for j := range part[i].Recommendations {
			as := part[i].Recommendations[j].Draft.Addressees
			for k := range as {
				swap(&as[k].OrganisationID)
			}
		}
	}
	var c casereview.ImportCreates
	for _, p := range creates.Partnerships {
		if named[p.Key] {
			c.Partnerships = append(c.Partnerships, p)
		}
	}
	for _, o := range creates.Organisations {
		if named[o.Key] {
			c.Organisations = append(c.Organisations, o)
		}
	}
	return c
}

// learnIDs finds the ids the store gave what a batch created, by name (one name per key).
func learnIDs(ctx context.Context, svc Services, c casereview.ImportCreates, made map[string]string) error {
	for _, p := range c.Partnerships {
		page, err := svc.ListPartnerships(ctx, casereview.PartnershipFilter{Name: p.Draft.Name}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			return err
		}
		for _, got := range page.Items {
			if casereview.NameKey(got.Name) == casereview.NameKey(p.Draft.Name) {
				made[p.Key] = got.ID
			}
		}
		if made[p.Key] == "" {
			return fmt.Errorf("the partnership %q just created is not found", p.Draft.Name)
		}
	}
	if len(c.Organisations) == 0 {
		return nil
	}
	orgs, err := svc.AllOrganisations(ctx)
	if err != nil {
		return err
	}
	byName := make(map[string]string, len(orgs))
	for _, o := range orgs {
		byName[casereview.NameKey(o.Name)] = o.ID
	}
	for _, o := range c.Organisations {
		if made[o.Key] = byName[casereview.NameKey(o.Draft.Name)]; made[o.Key] == "" {
			return fmt.Errorf("the organisation %q just created is not found", o.Draft.Name)
		}
	}
	return nil
}

func merge(into *casereview.ImportResult, r casereview.ImportResult) {
	into.ReviewsCreated += r.ReviewsCreated
	into.ReviewsUpdated += r.ReviewsUpdated
	into.ReviewsUnchanged += r.ReviewsUnchanged
	into.RecommendationsCreated += r.RecommendationsCreated
	into.RecommendationsUpdated += r.RecommendationsUpdated
	into.RecommendationsUnchanged += r.RecommendationsUnchanged
	into.ActionsCreated += r.ActionsCreated
	into.ActionsUpdated += r.ActionsUpdated
	into.ActionsUnchanged += r.ActionsUnchanged
	into.ReviewIDs = append(into.ReviewIDs, r.ReviewIDs...)
	for _, c := range r.Changes {
		into.Changed("%s", c)
	}
}
