package demo

// The consistency checks of the dataset (Dataset.Check): every key resolves, every enumeration
// holds a known value, and dates come in an order the store accepts.

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

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
