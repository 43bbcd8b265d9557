package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store/imports"
)

const (
	benchPartnerships  = 60
	benchOrganisations = 400
	importChunk        = 5000 // recommendations per ImportBundles call
)

var orgKinds = []struct {
	sector casereview.Sector
	name   string
}{
	{"police", "Police"}, {"nhs_trust", "NHS Foundation Trust"}, {"icb", "Integrated Care Board"}, {"gp", "GP Practice"},
	{"ambulance", "Ambulance Service"}, {"la_childrens_services", "Children's Services"}, {"la_adult_services", "Adult Social Care"},
	{"housing", "Housing"}, {"probation", "Probation Service"}, {"prisons", "Prison"}, {"education", "School"},
	{"cps_courts", "Courts"}, {"specialist_da_service", "Domestic Abuse Service"}, {"government_department", "Department"},
	{"regulator", "Regulator"}, {"other", "Trust"},
}

// load creates the partnerships and organisations with the store's own methods, then imports the
// amplified recommendations through the bulk import (ImportBundles), in chunks.
func (e *Env) load(sys context.Context) error {
	ref := &e.Loaded.Reference
	kinds := casereview.PartnershipKinds
	for i := range benchPartnerships {
		p, err := e.Store.CreatePartnership(sys, casereview.PartnershipDraft{Name: fmt.Sprintf("Bench Partnership %02d", i+1),
			Kind: kinds[i%len(kinds)], AreaCodes: []string{fmt.Sprintf("AREA:%02d", i+1)}})
		if err != nil {
			return fmt.Errorf("partnership: %w", err)
		}
		ref.Partnerships = append(ref.Partnerships, p)
	}
	e.Loaded.PanelPartnership = ref.Partnerships[0].ID
	for i := range benchOrganisations {
		k := orgKinds[i%len(orgKinds)]
		o, err := e.Store.CreateOrganisation(sys, casereview.OrganisationDraft{Name: fmt.Sprintf("Bench %s %03d", k.name, i+1), Sector: k.sector})
		if err != nil {
			return fmt.Errorf("organisation: %w", err)
		}
		ref.Organisations = append(ref.Organisations, o)
	}
	types, err := e.Store.ListReviewTypes(sys)
	if err != nil {
		return err
	}
	for _, t := range types {
		ref.ReviewTypes = append(ref.ReviewTypes, t.Code)
	}
	its, err := e.Store.ListInterventionTypes(sys)
	if err != nil {
		return err
	}
	for _, t := range its {
		ref.Interventions = append(ref.Interventions, t.Code)
	}
	themes, _, err := e.Store.ListThemes(sys, "")
	if err != nil {
		return err
	}
	for _, t := range themes {
		if t.Active {
			ref.Themes = append(ref.Themes, t)
		}
	}
	amp := NewAmplifier(e.Corpus, *ref, e.Config.Seed)
	start := time.Now()
	left := e.Config.Scale
	var total time.Duration
	for left > 0 {
		bundles := amp.Bundles(min(left, importChunk))
		t0 := time.Now()
		res, err := imports.New(e.Store).ImportBundles(sys, bundles, casereview.ImportOptions{Source: "bench"})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		total += time.Since(t0)
		e.Loaded.Reviews += res.ReviewsCreated
		e.Loaded.Recommendations += res.RecommendationsCreated
		e.Loaded.Actions += res.ActionsCreated
		left -= res.RecommendationsCreated
		if res.RecommendationsCreated == 0 {
			return fmt.Errorf("import created nothing: %+v", res)
		}
		fmt.Fprintf(e.Out, "\rimporting: %d/%d recommendations", e.Loaded.Recommendations, e.Config.Scale)
	}
	e.Loaded.ImportTook = time.Since(start)
	e.Printf("\rloaded through the bulk import (store.ImportBundles, %d per call): %d reviews, %d recommendations, %d actions, %d partnerships, %d organisations in %s (%.0f recommendations/s in ImportBundles, before indexing)\n",
		importChunk, e.Loaded.Reviews, e.Loaded.Recommendations, e.Loaded.Actions, len(ref.Partnerships), len(ref.Organisations),
		e.Loaded.ImportTook.Round(time.Millisecond), float64(e.Loaded.Recommendations)/total.Seconds())
	return nil
}
