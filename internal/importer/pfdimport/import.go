package pfdimport

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/taxonomy"
)

// Services are what the import needs from the store.
type Services interface {
	AllOrganisations(ctx context.Context) ([]casereview.Organisation, error)
	ListPartnerships(ctx context.Context, f casereview.PartnershipFilter, page casereview.PageRequest) (casereview.Page[casereview.Partnership], error)
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

// Result counts what the run read and did (or, in a dry run, would do).
type Result struct {
	Result               casereview.ImportResult
	Reports              int // reports imported
	Skipped              int // reports without concerns, or repeating a reference in the same area
	Joined               int // reports joined to a tracker row
	Items                int // concern items, that is recommendations
	OrganisationsCreated int
	PartnershipsCreated  int
	Figures              Figures
}

// Figures describe how faithfully the import took the corpus in.
type Figures struct {
	Addressees            int                               // addressees over all recommendations
	WithoutAddressee      int                               // recommendations with none
	WithoutAddresseeNamed int                               // … of which the source names a recipient (target: 0)
	RecipientsFromTracker int                               // reports whose recipients come from the tracker's "Sent to"
	Organisations         int                               // distinct organisations addressed
	AliasesRecorded       int                               // other spellings kept as aliases of the organisations created
	SuggestedThemes       int                               // recommendations with themes suggested from the tracker's categories
	Unthemed              int                               // recommendations no category suggests a theme for (road, rail, product …, or none)
	Statuses              map[string]int                    // tracker status -> reports
	UnmappedStatuses      int                               // reports whose status maps to no response
	Responses             map[casereview.ResponseStatus]int // recommendations by the response recorded
}

// PerRecommendation is the mean number of addressees of a recommendation.
func (f Figures) PerRecommendation(items int) float64 {
	if items == 0 {
		return 0
	}
	return float64(f.Addressees) / float64(items)
}

// AreaName is the partnership a coroner area becomes.
func AreaName(area string) string {
	area = strings.Join(strings.Fields(area), " ") // the CSV wraps some names over lines
	if area == "" {
		area = "Unknown"
	}
	return area + " (coroner area)"
}

// pendingPrefix marks the key standing for the id of a partnership or an organisation still to
// be created (with its reviews, in their transaction: see write).
const pendingPrefix = "pending-"

// Import reads the corpus in o.Dir and imports it: each report a restricted PFD review of its
// coroner area, each matter of concern a recommendation addressed to every recipient (the
// tracker's "Sent to" where the report joins it, else the report's receivers split into
// organisations; each mapped to one canonical organisation, matched through names and aliases
// or created with its other spellings as aliases), the tracker's status on the response layer
// and its categories' themes as unconfirmed suggestions. A dry run works all of it out and
// reports what a real run would create, writing nothing.
func Import(ctx context.Context, svc Services, o Options) (Result, error) {
	var res Result
	res.Figures.Statuses, res.Figures.Responses = map[string]int{}, map[casereview.ResponseStatus]int{}
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
	parts, newParts, err := partnerships(ctx, svc, reports, &res)
	if err != nil {
		return res, err
	}
	orgs, err := svc.AllOrganisations(ctx)
	if err != nil {
		return res, err
	}
	ix := actionplan.NewOrgIndex(orgs)
	recipients := make([][]string, len(reports))
	fromTracker := make([]bool, len(reports))
	var spellings []string
	for i, r := range reports {
		recipients[i], fromTracker[i] = r.recipients()
		spellings = append(spellings, recipients[i]...)
	}
	groups, groupOf := GroupRecipients(spellings)
	// Each group is an existing organisation (by its name or any spelling) or a new one, created
	// with the first reviews that name it.
	groupID := make([]string, len(groups))
	var newOrgs []casereview.NewOrganisation
	for g, grp := range groups {
		for _, n := range append([]string{grp.Name}, grp.Spelling...) {
			if id, _ := ix.Find(n); id != "" {
				groupID[g] = id
				break
			}
		}
		if groupID[g] != "" {
			continue
		}
		d := casereview.OrganisationDraft{Name: clip(grp.Name, 200), Sector: grp.Sector}
		for _, a := range grp.Spelling {
			if len(d.Aliases) < 50 && len([]rune(a)) <= 200 && !strings.EqualFold(a, d.Name) {
				d.Aliases = append(d.Aliases, a)
			}
		}
		res.Figures.AliasesRecorded += len(d.Aliases)
		groupID[g] = fmt.Sprint(pendingPrefix, len(newOrgs))
		newOrgs = append(newOrgs, casereview.NewOrganisation{Key: groupID[g], Field: fmt.Sprintf("organisation %q", d.Name), Draft: d})
	}
	res.OrganisationsCreated = len(newOrgs)
	addressed := map[string]bool{}
	seen := map[string]bool{}
	var bundles []casereview.ReviewBundle
	for i, r := range reports {
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
		national := false
		for _, rec := range recipients[i] {
			id := groupID[groupOf[rec]]
			if slicesContainsOrg(addressees, id) {
				continue
			}
			// National in scope when sent to a department, a regulator or NHS England (judged by
			// the recipient's name, so that a second run judges alike).
			g := groups[groupOf[rec]]
			national = national || g.Sector == "government_department" || g.Sector == "regulator" || g.Name == "NHS England"
			addressees = append(addressees, casereview.AddresseeDraft{OrganisationID: id, Role: casereview.RoleLead, RawText: clip(rec, 500), NotifiedOn: date})
			addressed[id] = true
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
		response, ok := ResponseFor(r.Status)
		if !ok {
			res.Figures.UnmappedStatuses++
		}
		if len(addressees) == 0 {
			response = ""
		}
		scope := casereview.Scope("local")
		if national {
			scope = "national"
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
			b.Recommendations = append(b.Recommendations, casereview.RecommendationBundle{
				Draft: casereview.RecommendationDraft{Number: clip(it.Number, 20), Text: clip(it.Text, 20000), Scope: scope,
					Addressees: addressees, Themes: themes},
				ResponseStatus: response})
		}
		n := len(b.Recommendations)
		res.Reports++
		res.Items += n
		if r.Joined {
			res.Joined++
			res.Figures.Statuses[r.Status]++
		}
		if fromTracker[i] {
			res.Figures.RecipientsFromTracker++
		}
		res.Figures.Addressees += n * len(addressees)
		if len(addressees) == 0 {
			res.Figures.WithoutAddressee += n
			if r.namesRecipient() {
				res.Figures.WithoutAddresseeNamed += n
			}
		}
		if len(themes) > 0 {
			res.Figures.SuggestedThemes += n
		} else {
			res.Figures.Unthemed += n
		}
		if response != "" {
			res.Figures.Responses[response] += n
		}
		bundles = append(bundles, b)
	}
	res.Figures.Organisations = len(addressed)
	return res, write(ctx, svc, o, bundles, casereview.ImportCreates{Partnerships: newParts, Organisations: newOrgs}, &res)
}

func slicesContainsOrg(as []casereview.AddresseeDraft, id string) bool {
	for _, a := range as {
		if a.OrganisationID == id {
			return true
		}
	}
	return false
}

// partnerships finds the coroner area of every report, or gives it a pending key and the
// partnership to create.
func partnerships(ctx context.Context, svc Services, reports []Report, res *Result) (map[string]string, []casereview.NewPartnership, error) {
	out := map[string]string{}
	var create []casereview.NewPartnership
	first := map[string]string{} // name key (casereview.NameKey) -> the spelling met first
	for _, r := range reports {
		area := r.Area
		if area == "" {
			area = r.TrackerArea
		}
		name := AreaName(area)
		if _, ok := out[name]; ok {
			continue
		}
		if f, ok := first[casereview.NameKey(name)]; ok {
			out[name] = out[f] // another spelling of an area already met: the store holds one name per key
			continue
		}
		first[casereview.NameKey(name)] = name
		page, err := svc.ListPartnerships(ctx, casereview.PartnershipFilter{Name: name}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			return nil, nil, err
		}
		out[name] = ""
		for _, p := range page.Items {
			if casereview.NameKey(p.Name) == casereview.NameKey(name) {
				out[name] = p.ID
			}
		}
		if out[name] == "" {
			out[name] = fmt.Sprint(pendingPrefix, "area-", len(create))
			create = append(create, casereview.NewPartnership{Key: out[name], Field: fmt.Sprintf("area %q", name),
				Draft: casereview.PartnershipDraft{Name: clip(name, 200), Kind: "coroner_area"}})
			res.PartnershipsCreated++
		}
	}
	return out, create, nil
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
