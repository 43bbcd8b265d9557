package app

import (
	"context"
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/demo"
)

// installDemoBaselines uploads the demo area's fictional baseline populations (issue 15 §2), as
// an admin would, so the disproportionality page has something to show.
func (a *App) installDemoBaselines(ctx context.Context) error {
	ps, err := a.store.ListPartnerships(ctx, casereview.PartnershipFilter{Name: demo.DemoBaselinePartnership}, casereview.PageRequest{Limit: 5})
	if err != nil {
		return err
	}
	if len(ps.Items) == 0 {
		return fmt.Errorf("no partnership %q", demo.DemoBaselinePartnership)
	}
	for c, csv := range demo.Baselines {
		groups, err := casereview.ParseBaselineCSV(c, []byte(csv))
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		if err := a.summaries.UploadBaseline(ctx, casereview.Baseline{PartnershipID: ps.Items[0].ID, Characteristic: c, Groups: groups,
			Source: demo.BaselineSource}); err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
	}
	return nil
}
