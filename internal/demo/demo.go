// Package demo holds an embedded, entirely fictional dataset of partnerships,
// organisations, reviews and recommendations, used to seed demonstrations,
// development databases and tests with content that looks like real
// safeguarding case reviews without naming any real person, place or case.
//
// Keys in the file are local references that link records inside it; they
// are not database identifiers.
//
// Besides the records, the file may tell the life of a recommendation after
// publication, all of it optional (see Install for the order it is replayed in):
//
//   - an addressee's "responses": its formal replies, oldest first (decision,
//     narrative, timetable, reasons, received_on);
//   - an action's "progress": steps, oldest first, each adding "evidence" (a
//     link to an example.invalid address, or a small text file), reviewing
//     earlier evidence of the action by title ("review_evidence", as oversight),
//     and then noting progress or moving the action's status (status,
//     narrative, reason, outcome, and completion_date with a claim of
//     implementation);
//   - a recommendation's "links" to recommendations of other reviews (by review
//     key and number) and oversight's "assessments" of it, oldest first.
//
// Every date in these is a day in the past: the store refuses dates after its
// clock's today, and the web tests fix that clock at 2026-12-01.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

//go:embed demo.json
var raw []byte

// DateLayout is the layout of every date in the dataset.
const DateLayout = "2006-01-02"

// pfdResponseDays is the statutory window for replying to a coroner's report.
const pfdResponseDays = 56

// Dataset is the whole demo file.
type Dataset struct {
	FictionalNotice string         `json:"fictional_notice"`
	Partnerships    []Partnership  `json:"partnerships"`
	Organisations   []Organisation `json:"organisations"`
	Reviews         []Review       `json:"reviews"`
}

// Partnership is a commissioning body (CSP, safeguarding partnership, SAB, CDOP, coroner area).
type Partnership struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	AreaCodes []string `json:"area_codes"`
}

// Organisation is anyone a recommendation can be addressed to.
type Organisation struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Sector  string   `json:"sector"`
	Parent  *string  `json:"parent"`
}

// Review is one case review with the recommendations it printed.
type Review struct {
	Key             string           `json:"key"`
	Type            string           `json:"type"`
	Partnership     string           `json:"partnership"`
	Reference       string           `json:"reference"`
	Title           string           `json:"title"`
	Status          string           `json:"status"`
	IncidentYear    *int             `json:"incident_year"`
	CommissionedOn  string           `json:"commissioned_on"`
	PublishedOn     *string          `json:"published_on"`
	ReportURL       *string          `json:"report_url"`
	Summary         string           `json:"summary"`
	Visibility      string           `json:"visibility"`
	Recommendations []Recommendation `json:"recommendations"`
}

// Recommendation is one numbered recommendation (or, for a PFD report, one matter of concern).
type Recommendation struct {
	Number           string      `json:"number"`
	Title            string      `json:"title"`
	Text             string      `json:"text"`
	Scope            string      `json:"scope"`
	InterventionType string      `json:"intervention_type"`
	ResponseDue      *string     `json:"response_due"`
	Addressees       []Addressee `json:"addressees"`
	Themes           []ThemeRef  `json:"themes"`
	Actions          []Action    `json:"actions"`
	// Links and Assessments are written after every review's records, responses and actions,
	// links first (a closure may need one), assessments last (a closure settles the record).
	Links       []Link       `json:"links,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
}

// Link relates this recommendation to another: "<this> <type> <review key, number>".
type Link struct {
	Type   string `json:"type"`
	Review string `json:"review"`
	Number string `json:"number"`
	Note   string `json:"note"`
}

// Assessment is an oversight officer's classification of the recommendation.
type Assessment struct {
	Classification string `json:"classification"`
	Rationale      string `json:"rationale"`
}

// Addressee links a recommendation to an organisation, keeping the text as printed.
type Addressee struct {
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
	RawText      string `json:"raw_text"`
	// Responses are the organisation's formal replies, oldest first, as the response table
	// allows (a holding reply, then a decision; a revised decision gives its reasons).
	Responses []Response `json:"responses,omitempty"`
}

// Response is one formal reply of an addressee.
type Response struct {
	Decision   string `json:"decision"`
	Narrative  string `json:"narrative"`
	Timetable  string `json:"timetable"`
	Reasons    string `json:"reasons"`
	ReceivedOn string `json:"received_on"`
}

// ThemeRef tags a recommendation with a taxonomy code; exactly one is primary.
type ThemeRef struct {
	Code    string `json:"code"`
	Primary bool   `json:"primary"`
}

// Action is an action-plan line owned by one addressee organisation.
type Action struct {
	Organisation string `json:"organisation"`
	Description  string `json:"description"`
	Owner        string `json:"owner"`
	TargetDate   string `json:"target_date"`
	// CompletionDate and Outcome record a completion from before the system (imported, never
	// verified). An action whose completion is tracked claims it in Progress instead.
	CompletionDate *string `json:"completion_date"`
	Outcome        *string `json:"outcome"`
	// Progress is what happened to the action, oldest first.
	Progress []Step `json:"progress,omitempty"`
}

// Step is one moment in an action's life. The installer adds its Evidence (as the owner),
// then reviews ReviewEvidence (as oversight), then, when Status or Narrative is set, records
// the progress (as the owner, or as oversight for the moves only oversight makes).
type Step struct {
	Status         string           `json:"status,omitempty"`
	Narrative      string           `json:"narrative,omitempty"`
	Reason         string           `json:"reason,omitempty"`
	Outcome        *string          `json:"outcome,omitempty"`
	CompletionDate *string          `json:"completion_date,omitempty"` // only with a claim (implemented_pending_verification)
	Evidence       []Evidence       `json:"evidence,omitempty"`
	ReviewEvidence []EvidenceReview `json:"review_evidence,omitempty"`
}

// Evidence is a link (URL) or a small text file (Filename and Content).
type Evidence struct {
	Title        string `json:"title"`
	EvidenceType string `json:"evidence_type"`
	URL          string `json:"url,omitempty"`
	Filename     string `json:"filename,omitempty"`
	Content      string `json:"content,omitempty"`
}

// EvidenceReview is oversight's verdict on earlier evidence of the same action, by its title.
type EvidenceReview struct {
	Title  string `json:"title"`
	Status string `json:"status"` // verified or rejected
	Note   string `json:"note"`
}

// Load decodes the embedded dataset strictly and checks it.
func Load() (*Dataset, error) {
	d, err := decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("demo: embedded dataset is inconsistent: %w", err)
	}
	return d, nil
}

func decode(r io.Reader) (*Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("demo: decode: trailing data after the dataset")
	}
	return &d, nil
}

var (
	partnershipKinds = set("community_safety_partnership", "safeguarding_children_partnership",
		"safeguarding_adults_board", "child_death_overview_panel", "coroner_area", "other")
	sectors = set("police", "nhs_trust", "icb", "gp", "ambulance", "la_childrens_services",
		"la_adult_services", "housing", "probation", "prisons", "education", "cps_courts",
		"specialist_da_service", "government_department", "regulator", "other")
	reviewTypes    = set("DHR", "CSPR", "SCR", "CDR", "SAR", "SUSR", "MHHR", "PFD", "OTHER")
	reviewStatuses = set("commissioned", "in_progress", "submitted_for_qa", "published", "withdrawn")
	visibilities   = set("restricted", "shared", "public")
	scopes         = set("local", "regional", "national")
	interventions  = set("training", "policy_procedure", "practice_tool", "information_sharing_it",
		"audit_assurance", "service_commissioning", "governance", "legislation_national_policy",
		"public_awareness", "dissemination", "research_data")
	roles = set("lead", "supporting", "for_information")

	themeCode = regexp.MustCompile(`^([ABC])(\d\d)$`)
	areaCode  = regexp.MustCompile(`^[A-Z]+:\S.*$`)
)

// themeGroupSize is the number of level-2 themes in each group of the taxonomy.
var themeGroupSize = map[string]int{"A": 18, "B": 13, "C": 24}

func set(vs ...string) map[string]bool {
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[v] = true
	}
	return m
}

// ValidThemeCode reports whether code is one of A01–A18, B01–B13 or C01–C24.
func ValidThemeCode(code string) bool {
	m := themeCode.FindStringSubmatch(code)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[2])
	return n >= 1 && n <= themeGroupSize[m[1]]
}

// checker collects problems so that Check reports all of them at once.
type checker struct{ errs []error }

func (c *checker) addf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// date parses a required date, reporting a problem when it is malformed.
func (c *checker) date(where, field, v string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, v)
	if err != nil {
		c.addf("%s: %s %q is not a yyyy-mm-dd date", where, field, v)
		return time.Time{}, false
	}
	return t, true
}

func (c *checker) optDate(where, field string, v *string) (time.Time, bool) {
	if v == nil {
		return time.Time{}, false
	}
	return c.date(where, field, *v)
}

func (c *checker) enum(where, field, v string, allowed map[string]bool) {
	if !allowed[v] {
		c.addf("%s: unknown %s %q", where, field, v)
	}
}

func (c *checker) required(where, field, v string) {
	if strings.TrimSpace(v) == "" {
		c.addf("%s: %s is empty", where, field)
	}
}

// Check returns every inconsistency in d joined into one error, or nil.
func (d *Dataset) Check() error {
	c := &checker{}
	if strings.TrimSpace(d.FictionalNotice) == "" {
		c.addf("fictional_notice is empty")
	}
	partnerships := c.partnerships(d.Partnerships)
	orgs := c.organisations(d.Organisations)
	refs := map[string]bool{} // partnership + "\x00" + reference
	keys := map[string]bool{}
	for i := range d.Reviews {
		r := &d.Reviews[i]
		where := fmt.Sprintf("review %q", r.Key)
		if r.Key == "" {
			where = fmt.Sprintf("review #%d", i+1)
			c.addf("%s: key is empty", where)
		} else if keys[r.Key] {
			c.addf("%s: duplicate review key", where)
		}
		keys[r.Key] = true
		c.review(where, r, partnerships, orgs, refs)
	}
	c.links(d.Reviews)
	return errors.Join(c.errs...)
}

// links checks that every link names a recommendation of another review in the dataset.
func (c *checker) links(reviews []Review) {
	numbers := map[string]bool{} // review key + "\x00" + number
	for _, r := range reviews {
		for _, rec := range r.Recommendations {
			numbers[r.Key+"\x00"+rec.Number] = true
		}
	}
	for _, r := range reviews {
		for _, rec := range r.Recommendations {
			for i, l := range rec.Links {
				where := fmt.Sprintf("review %q recommendation %q link %d", r.Key, rec.Number, i+1)
				if !casereview.Valid(casereview.LinkType(l.Type), casereview.LinkTypes) {
					c.addf("%s: unknown link type %q", where, l.Type)
				}
				switch {
				case !numbers[l.Review+"\x00"+l.Number]:
					c.addf("%s: no recommendation %q in review %q", where, l.Number, l.Review)
				case l.Review == r.Key:
					c.addf("%s: links go to a recommendation of another review", where)
				}
			}
		}
	}
}

func (c *checker) partnerships(ps []Partnership) map[string]*Partnership {
	byKey := make(map[string]*Partnership, len(ps))
	for i := range ps {
		p := &ps[i]
		where := fmt.Sprintf("partnership %q", p.Key)
		if p.Key == "" {
			where = fmt.Sprintf("partnership #%d", i+1)
			c.addf("%s: key is empty", where)
		} else if byKey[p.Key] != nil {
			c.addf("%s: duplicate partnership key", where)
		}
		byKey[p.Key] = p
		c.required(where, "name", p.Name)
		c.enum(where, "partnership kind", p.Kind, partnershipKinds)
		if len(p.AreaCodes) == 0 {
			c.addf("%s: no area codes", where)
		}
		for _, a := range p.AreaCodes {
			if !areaCode.MatchString(a) {
				c.addf("%s: area code %q is not of the form PREFIX:Name", where, a)
			}
		}
	}
	return byKey
}

func (c *checker) organisations(os []Organisation) map[string]*Organisation {
	byKey := make(map[string]*Organisation, len(os))
	names := map[string]string{} // lower-cased name or alias -> organisation key
	claim := func(where, key, label string) {
		k := strings.ToLower(strings.TrimSpace(label))
		if other, ok := names[k]; ok && other != key {
			c.addf("%s: name or alias %q is also used by organisation %q", where, label, other)
			return
		}
		names[k] = key
	}
	for i := range os {
		o := &os[i]
		where := fmt.Sprintf("organisation %q", o.Key)
		if o.Key == "" {
			where = fmt.Sprintf("organisation #%d", i+1)
			c.addf("%s: key is empty", where)
		} else if byKey[o.Key] != nil {
			c.addf("%s: duplicate organisation key", where)
		}
		byKey[o.Key] = o
		c.required(where, "name", o.Name)
		c.enum(where, "sector", o.Sector, sectors)
		claim(where, o.Key, o.Name)
		for _, a := range o.Aliases {
			c.required(where, "alias", a)
			claim(where, o.Key, a)
		}
	}
	for i := range os {
		o := &os[i]
		if o.Parent == nil {
			continue
		}
		where := fmt.Sprintf("organisation %q", o.Key)
		if byKey[*o.Parent] == nil {
			c.addf("%s: unknown parent organisation %q", where, *o.Parent)
			continue
		}
		// Walk up the chain; more steps than organisations means a cycle.
		p := o
		for steps := 0; p != nil && p.Parent != nil; steps++ {
			if steps > len(os) || *p.Parent == o.Key {
				c.addf("%s: parent chain is a cycle", where)
				break
			}
			p = byKey[*p.Parent]
		}
	}
	return byKey
}

func (c *checker) review(where string, r *Review, partnerships map[string]*Partnership,
	orgs map[string]*Organisation, refs map[string]bool) {
	c.enum(where, "review type", r.Type, reviewTypes)
	c.enum(where, "review status", r.Status, reviewStatuses)
	c.enum(where, "visibility", r.Visibility, visibilities)
	c.required(where, "title", r.Title)
	c.required(where, "summary", r.Summary)
	c.required(where, "reference", r.Reference)

	p := partnerships[r.Partnership]
	if p == nil {
		c.addf("%s: unknown partnership %q", where, r.Partnership)
	} else if (r.Type == "PFD") != (p.Kind == "coroner_area") {
		c.addf("%s: a %s review cannot belong to partnership %q of kind %s", where, r.Type, p.Key, p.Kind)
	}
	if r.Reference != "" {
		ref := r.Partnership + "\x00" + r.Reference
		if refs[ref] {
			c.addf("%s: duplicate reference %q in partnership %q", where, r.Reference, r.Partnership)
		}
		refs[ref] = true
	}

	commissioned, hasComm := c.date(where, "commissioned_on", r.CommissionedOn)
	published, hasPub := c.optDate(where, "published_on", r.PublishedOn)
	if hasComm && hasPub && !published.After(commissioned) {
		c.addf("%s: published_on %s is not after commissioned_on %s", where, *r.PublishedOn, r.CommissionedOn)
	}
	switch r.Status {
	case "published":
		if r.PublishedOn == nil {
			c.addf("%s: status published but no published_on", where)
		}
	case "commissioned", "in_progress", "submitted_for_qa":
		if r.PublishedOn != nil {
			c.addf("%s: status %s but published_on is set", where, r.Status)
		}
	}
	if r.Visibility == "public" && r.Status != "published" {
		c.addf("%s: visibility public requires status published, not %s", where, r.Status)
	}
	if r.IncidentYear != nil && hasComm && (*r.IncidentYear > commissioned.Year() || *r.IncidentYear < 1990) {
		c.addf("%s: incident_year %d is not between 1990 and the year commissioned", where, *r.IncidentYear)
	}
	if r.ReportURL != nil {
		u, err := url.Parse(*r.ReportURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			c.addf("%s: report_url %q is not an https URL", where, *r.ReportURL)
		}
	}

	numbers := map[string]bool{}
	for i := range r.Recommendations {
		rec := &r.Recommendations[i]
		rwhere := fmt.Sprintf("%s recommendation %q", where, rec.Number)
		if strings.TrimSpace(rec.Number) == "" {
			rwhere = fmt.Sprintf("%s recommendation #%d", where, i+1)
			c.addf("%s: number is empty", rwhere)
		} else if numbers[rec.Number] {
			c.addf("%s: duplicate recommendation number", rwhere)
		}
		numbers[rec.Number] = true
		c.recommendation(rwhere, r, rec, orgs, commissioned, hasComm, published, hasPub)
	}
}

func (c *checker) recommendation(where string, r *Review, rec *Recommendation, orgs map[string]*Organisation,
	commissioned time.Time, hasComm bool, published time.Time, hasPub bool) {
	c.required(where, "title", rec.Title)
	c.required(where, "text", rec.Text)
	c.enum(where, "scope", rec.Scope, scopes)
	c.enum(where, "intervention type", rec.InterventionType, interventions)

	if due, ok := c.optDate(where, "response_due", rec.ResponseDue); ok {
		switch {
		case !hasPub:
			c.addf("%s: response_due set but the review has no published_on", where)
		case r.Type == "PFD" && !due.Equal(published.AddDate(0, 0, pfdResponseDays)):
			c.addf("%s: PFD response_due %s is not %d days after published_on %s",
				where, *rec.ResponseDue, pfdResponseDays, *r.PublishedOn)
		case !due.After(published):
			c.addf("%s: response_due %s is not after published_on %s", where, *rec.ResponseDue, *r.PublishedOn)
		}
	}

	if len(rec.Addressees) == 0 {
		c.addf("%s: no addressees", where)
	}
	addressed := map[string]bool{}
	hasLead := false
	for _, a := range rec.Addressees {
		if orgs[a.Organisation] == nil {
			c.addf("%s: unknown addressee organisation %q", where, a.Organisation)
		}
		if addressed[a.Organisation] {
			c.addf("%s: organisation %q is addressed twice", where, a.Organisation)
		}
		addressed[a.Organisation] = true
		c.enum(where, "addressee role", a.Role, roles)
		hasLead = hasLead || a.Role == "lead"
		c.required(where, "addressee raw_text", a.RawText)
	}
	if len(rec.Addressees) > 0 && !hasLead {
		c.addf("%s: no lead addressee", where)
	}
	for _, a := range rec.Addressees {
		c.responses(fmt.Sprintf("%s addressee %q", where, a.Organisation), a.Responses, published, hasPub)
	}
	for i, as := range rec.Assessments {
		awhere := fmt.Sprintf("%s assessment %d", where, i+1)
		cl := casereview.OversightStatus(as.Classification)
		if !casereview.Valid(cl, casereview.OversightStatuses) {
			c.addf("%s: unknown classification %q", awhere, as.Classification)
		}
		if cl.IsClosed() && strings.TrimSpace(as.Rationale) == "" {
			c.addf("%s: closing without a rationale", awhere)
		}
	}

	primaries := 0
	seen := map[string]bool{}
	for _, t := range rec.Themes {
		if !ValidThemeCode(t.Code) {
			c.addf("%s: theme code %q is outside A01–A18, B01–B13, C01–C24", where, t.Code)
		}
		if seen[t.Code] {
			c.addf("%s: theme %q tagged twice", where, t.Code)
		}
		seen[t.Code] = true
		if t.Primary {
			primaries++
		}
	}
	if len(rec.Themes) > 0 && primaries != 1 {
		c.addf("%s: %d primary themes, want exactly one", where, primaries)
	}

	for i := range rec.Actions {
		a := &rec.Actions[i]
		awhere := fmt.Sprintf("%s action %d", where, i+1)
		if orgs[a.Organisation] == nil {
			c.addf("%s: unknown organisation %q", awhere, a.Organisation)
		} else if !addressed[a.Organisation] {
			c.addf("%s: owner organisation %q is not an addressee of the recommendation", awhere, a.Organisation)
		}
		c.required(awhere, "description", a.Description)
		c.required(awhere, "owner", a.Owner)
		c.date(awhere, "target_date", a.TargetDate)
		if done, ok := c.optDate(awhere, "completion_date", a.CompletionDate); ok && hasComm && done.Before(commissioned) {
			c.addf("%s: completion_date %s is before the review was commissioned on %s",
				awhere, *a.CompletionDate, r.CommissionedOn)
		}
		switch {
		case a.CompletionDate != nil && (a.Outcome == nil || strings.TrimSpace(*a.Outcome) == ""):
			c.addf("%s: completed without an outcome", awhere)
		case a.CompletionDate == nil && a.Outcome != nil:
			c.addf("%s: outcome recorded without a completion_date", awhere)
		}
		c.progress(awhere, a, commissioned, hasComm, hasPub)
	}
}

// responses checks an addressee's replies: known decisions, a narrative, and received after the
// review was published (when the addressee was notified).
func (c *checker) responses(where string, rs []Response, published time.Time, hasPub bool) {
	for i, r := range rs {
		rwhere := fmt.Sprintf("%s response %d", where, i+1)
		if !casereview.Valid(casereview.ResponseStatus(r.Decision), casereview.ResponseDecisions) {
			c.addf("%s: unknown decision %q", rwhere, r.Decision)
		}
		c.required(rwhere, "narrative", r.Narrative)
		received, ok := c.date(rwhere, "received_on", r.ReceivedOn)
		switch {
		case !hasPub:
			c.addf("%s: a response to a review that is not published", rwhere)
		case ok && received.Before(published):
			c.addf("%s: received_on %s is before the review was published", rwhere, r.ReceivedOn)
		}
	}
}

var evidenceVerdicts = set(string(casereview.EvidenceVerified), string(casereview.EvidenceRejected))

// progress checks an action's steps: known statuses, completion dates only with a claim and
// never on an action whose completion is imported, evidence that is a link or a text file, and
// reviews of evidence the action already has.
func (c *checker) progress(where string, a *Action, commissioned time.Time, hasComm, hasPub bool) {
	if len(a.Progress) > 0 && !hasPub {
		c.addf("%s: progress on a recommendation of a review that is not published", where)
	}
	titles := map[string]bool{}
	for i, st := range a.Progress {
		swhere := fmt.Sprintf("%s step %d", where, i+1)
		if st.Status != "" && !casereview.Valid(casereview.ImplementationStatus(st.Status), casereview.ImplementationStatuses) {
			c.addf("%s: unknown status %q", swhere, st.Status)
		}
		if st.Status == "" && st.Narrative == "" && len(st.Evidence) == 0 && len(st.ReviewEvidence) == 0 {
			c.addf("%s: the step does nothing", swhere)
		}
		if st.CompletionDate != nil {
			done, ok := c.date(swhere, "completion_date", *st.CompletionDate)
			switch {
			case st.Status != string(casereview.ImplPending):
				c.addf("%s: completion_date goes only with status %s", swhere, casereview.ImplPending)
			case a.CompletionDate != nil:
				c.addf("%s: the action's completion is imported (completion_date); it is not claimed again", swhere)
			case ok && hasComm && done.Before(commissioned):
				c.addf("%s: completion_date %s is before the review was commissioned", swhere, *st.CompletionDate)
			}
		}
		for j, e := range st.Evidence {
			ewhere := fmt.Sprintf("%s evidence %d", swhere, j+1)
			c.required(ewhere, "title", e.Title)
			if titles[e.Title] {
				c.addf("%s: title %q is used twice on the action", ewhere, e.Title)
			}
			titles[e.Title] = true
			if e.EvidenceType != "" && !slices.Contains(casereview.EvidenceTypes, e.EvidenceType) {
				c.addf("%s: unknown evidence_type %q", ewhere, e.EvidenceType)
			}
			switch {
			case (e.URL == "") == (e.Filename == ""):
				c.addf("%s: give either a url or a filename with content", ewhere)
			case e.URL != "":
				if u, err := url.Parse(e.URL); err != nil || u.Scheme != "https" || !strings.HasSuffix(u.Hostname(), ".invalid") {
					c.addf("%s: url %q is not an https address under .invalid", ewhere, e.URL)
				}
			case !strings.HasSuffix(e.Filename, ".txt") || strings.TrimSpace(e.Content) == "":
				c.addf("%s: a file is a non-empty .txt file", ewhere)
			}
		}
		for j, r := range st.ReviewEvidence {
			rwhere := fmt.Sprintf("%s review_evidence %d", swhere, j+1)
			if !titles[r.Title] {
				c.addf("%s: no earlier evidence titled %q on the action", rwhere, r.Title)
			}
			c.enum(rwhere, "evidence verdict", r.Status, evidenceVerdicts)
			if r.Status == string(casereview.EvidenceRejected) {
				c.required(rwhere, "note", r.Note)
			}
		}
	}
}
