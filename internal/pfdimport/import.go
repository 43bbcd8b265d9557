package pfdimport

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/actionplan"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/taxonomy"
)

// Services are what the import needs from the store.
type Services interface {
	AllOrganisations(ctx context.Context) ([]casereview.Organisation, error)
	CreateOrganisations(ctx context.Context, ds []casereview.OrganisationDraft) ([]casereview.Organisation, error)
	ListPartnerships(ctx context.Context, f casereview.PartnershipFilter, page casereview.PageRequest) (casereview.Page[casereview.Partnership], error)
	CreatePartnership(ctx context.Context, d casereview.PartnershipDraft) (casereview.Partnership, error)
	ImportBundles(ctx context.Context, bundles []casereview.ReviewBundle, o casereview.ImportOptions) (casereview.ImportResult, error)
}

// Options control one run.
type Options struct {
	Dir      string
	DryRun   bool // read, split and match; create nothing and write nothing
	Limit    int  // only the first N reports (0: all)
	Batch    int  // reports per transaction (0: all in one, all or nothing)
	Progress func(done, total int)
}

// Result counts what the run read and did.
type Result struct {
	Result               casereview.ImportResult
	Reports              int // reports imported
	Skipped              int // reports without concerns, or repeating a reference in the same area
	Joined               int // reports joined to a tracker row
	Items                int // concern items, that is recommendations
	OrganisationsCreated int
	PartnershipsCreated  int
}

// AreaName is the partnership a coroner area becomes.
func AreaName(area string) string {
	if area == "" {
		area = "Unknown"
	}
	return area + " (coroner area)"
}

// Import reads the corpus in o.Dir and imports it: each report a restricted PFD review of its
// coroner area, each matter of concern a recommendation addressed to every recipient (matched
// to organisations through their aliases, created with a guessed sector otherwise), the
// tracker's response status and its categories' themes (as suggestions) where it joins.
// Partnerships and organisations are created first; the reviews are then written all or
// nothing (or in batches of o.Batch).
func Import(ctx context.Context, svc Services, o Options) (Result, error) {
	var res Result
	reports, err := ReadCorpus(o.Dir)
	if err != nil {
		return res, err
	}
	if o.Limit > 0 && o.Limit < len(reports) {
		reports = reports[:o.Limit]
	}
	tax, err := taxonomy.Default()
	if err != nil {
		return res, err
	}
	parts, err := partnerships(ctx, svc, reports, o.DryRun, &res)
	if err != nil {
		return res, err
	}
	orgs, err := svc.AllOrganisations(ctx)
	if err != nil {
		return res, err
	}
	ix := actionplan.NewOrgIndex(orgs)
	// Recipients no organisation answers to are created together, first; names that normalise
	// alike ("Children's" and "Childrens") become one organisation.
	pending := actionplan.NewOrgIndex(nil)
	var drafts []casereview.OrganisationDraft
	for _, r := range reports {
		for _, rec := range SplitReceivers(r.Receiver) {
			if id, _ := ix.Find(rec); id != "" {
				continue
			}
			if id, _ := pending.Find(rec); id != "" {
				continue
			}
			pending.Add(casereview.Organisation{ID: fmt.Sprint("pending-", len(drafts)), Name: rec})
			drafts = append(drafts, casereview.OrganisationDraft{Name: rec, Sector: GuessSector(rec)})
		}
	}
	res.OrganisationsCreated = len(drafts)
	if !o.DryRun && len(drafts) > 0 {
		created, err := svc.CreateOrganisations(ctx, drafts)
		if err != nil {
			return res, fmt.Errorf("create organisations: %w", err)
		}
		for _, org := range created {
			ix.Add(org)
		}
	}
	seen := map[string]bool{}
	var bundles []casereview.ReviewBundle
	for _, r := range reports {
		items := SplitConcerns(r.Concerns)
		area := r.Area
		if area == "" {
			area = r.TrackerArea
		}
		key := area + "\x00" + r.Reference()
		if len(items) == 0 || seen[key] {
			res.Skipped++
			continue
		}
		seen[key] = true
		var addressees []casereview.AddresseeDraft
		date := parseDate(r.Date, r.TrackerDate)
		for _, rec := range SplitReceivers(r.Receiver) {
			id, _ := ix.Find(rec)
			if id == "" {
				continue // a dry run: it would be created
			}
			if slicesContainsOrg(addressees, id) {
				continue
			}
			addressees = append(addressees, casereview.AddresseeDraft{OrganisationID: id, Role: casereview.RoleLead, RawText: rec, NotifiedOn: date})
		}
		var themes []casereview.ThemeDraft
		have := map[string]bool{}
		for _, c := range r.Categories {
			for _, code := range tax.ThemesForCrosswalk("pfd_category", c) {
				if !have[code] && len(themes) < 20 {
					have[code] = true
					themes = append(themes, casereview.ThemeDraft{Code: code, Source: "suggested"})
				}
			}
		}
		response := casereview.ResponseStatus("")
		if r.Status == "completed" && len(addressees) > 0 {
			response = casereview.ResponseReceived
		}
		d := casereview.ReviewDraft{Type: "PFD", PartnershipID: parts[AreaName(area)], Reference: clip(r.Reference(), 100),
			Title: "PFD report " + clip(r.Reference(), 100), Visibility: casereview.VisibilityRestricted, Status: casereview.ReviewPublished, PublishedOn: date}
		if date == nil {
			d.Status = "in_progress"
		}
		if strings.HasPrefix(r.URL, "http") {
			u := r.URL
			d.ReportURL = &u
		}
		b := casereview.ReviewBundle{Review: d}
		for _, it := range items {
			if strings.TrimSpace(it.Text) == "" {
				continue
			}
			b.Recommendations = append(b.Recommendations, casereview.RecommendationBundle{
				Draft: casereview.RecommendationDraft{Number: it.Number, Text: clip(it.Text, 20000), Scope: scopeOf(addressees, ix),
					Addressees: addressees, Themes: themes},
				ResponseStatus: response})
		}
		if len(b.Recommendations) == 0 {
			res.Skipped++
			continue
		}
		if d.PartnershipID == "" { // a dry run that would create the area
			continue
		}
		if r.Joined {
			res.Joined++
		}
		res.Reports++
		res.Items += len(b.Recommendations)
		bundles = append(bundles, b)
	}
	res.Result = casereview.ImportResult{Source: "pfd", DryRun: o.DryRun}
	batch := o.Batch
	if batch <= 0 {
		batch = len(bundles)
	}
	total, done := res.Items, 0
	for i := 0; i < len(bundles); i += batch {
		part := bundles[i:min(i+batch, len(bundles))]
		n := 0
		for _, b := range part {
			n += len(b.Recommendations)
		}
		base := done
		r, err := svc.ImportBundles(ctx, part, casereview.ImportOptions{DryRun: o.DryRun, Source: "pfd", Progress: func(d, _ int) {
			if o.Progress != nil {
				o.Progress(base+d, total)
			}
		}})
		if err != nil {
			return res, err
		}
		done += n
		merge(&res.Result, r)
	}
	return res, nil
}

func slicesContainsOrg(as []casereview.AddresseeDraft, id string) bool {
	for _, a := range as {
		if a.OrganisationID == id {
			return true
		}
	}
	return false
}

// scopeOf: a report to a national body (a government department, a regulator, NHS England) is
// national in scope; otherwise local.
func scopeOf(as []casereview.AddresseeDraft, ix *actionplan.OrgIndex) casereview.Scope {
	for _, a := range as {
		if s := GuessSector(ix.Name(a.OrganisationID)); s == "government_department" || s == "regulator" || strings.Contains(ix.Name(a.OrganisationID), "NHS England") {
			return "national"
		}
	}
	return "local"
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

// partnerships finds or creates the coroner area of every report.
func partnerships(ctx context.Context, svc Services, reports []Report, dry bool, res *Result) (map[string]string, error) {
	out := map[string]string{}
	for _, r := range reports {
		area := r.Area
		if area == "" {
			area = r.TrackerArea
		}
		name := AreaName(area)
		if _, ok := out[name]; ok {
			continue
		}
		page, err := svc.ListPartnerships(ctx, casereview.PartnershipFilter{Name: name}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			return nil, err
		}
		out[name] = ""
		for _, p := range page.Items {
			if strings.EqualFold(p.Name, name) {
				out[name] = p.ID
			}
		}
		if out[name] == "" && !dry {
			p, err := svc.CreatePartnership(ctx, casereview.PartnershipDraft{Name: clip(name, 200), Kind: "coroner_area"})
			if err != nil {
				return nil, fmt.Errorf("create partnership %q: %w", name, err)
			}
			out[name] = p.ID
			res.PartnershipsCreated++
		} else if out[name] == "" {
			res.PartnershipsCreated++ // would be created
		}
	}
	return out, nil
}

func parseDate(iso, uk string) *casereview.Date {
	for _, s := range []string{iso, uk} {
		if d, ok := actionplan.ParseUKDate(s); ok {
			return &d
		}
	}
	return nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// sectorRules guess an organisation's sector from its name; the first rule that matches wins,
// and a name no rule claims is "other" (councils among them: which service answers is unclear).
var sectorRules = []struct {
	re     *regexp.Regexp
	sector casereview.Sector
}{
	{regexp.MustCompile(`(?i)\bambulance\b`), "ambulance"},
	{regexp.MustCompile(`(?i)\b(police|constabulary|chief constable|police and crime commissioner)\b`), "police"},
	{regexp.MustCompile(`(?i)\b(HMP|HMYOI|HM Prison|prison|prisons?)\b`), "prisons"},
	{regexp.MustCompile(`(?i)\bprobation\b`), "probation"},
	{regexp.MustCompile(`(?i)\b(integrated care board|ICB|clinical commissioning group|CCG)\b`), "icb"},
	{regexp.MustCompile(`(?i)\b(NHS (foundation )?trust|health board|hospitals?|foundation trust|healthcare NHS)\b`), "nhs_trust"},
	{regexp.MustCompile(`(?i)\b(surgery|medical (centre|practice)|health centre|GP practice)\b`), "gp"},
	{regexp.MustCompile(`(?i)\b(department (of|for)|ministry of|secretary of state|home office|cabinet office|HM Treasury|minister)\b`), "government_department"},
	{regexp.MustCompile(`(?i)\b(care quality commission|CQC|ofsted|MHRA|health and safety executive|general medical council|nursing and midwifery council|regulat)`), "regulator"},
	{regexp.MustCompile(`(?i)\b(crown prosecution|courts? (and tribunals)?|HMCTS|attorney general)\b`), "cps_courts"},
	{regexp.MustCompile(`(?i)\b(school|academy|college)\b`), "education"},
	{regexp.MustCompile(`(?i)\b(housing association|homes)\b`), "housing"},
}

// GuessSector names the sector an organisation's name makes clear, or "other".
func GuessSector(name string) casereview.Sector {
	for _, r := range sectorRules {
		if r.re.MatchString(name) {
			return r.sector
		}
	}
	return "other"
}
