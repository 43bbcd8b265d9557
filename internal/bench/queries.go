package bench

import (
	"net/url"
	"strings"
)

// Query is one search of the fixed mix: the same words go to the API's q and to PostgreSQL's
// websearch_to_tsquery (both: all words required, "phrases", -exclusions, OR), and the same
// filters to the API's parameters and to SQL conditions.
type Query struct {
	Kind    string
	Text    string
	Filters map[string]string // facet name -> one value; "@partnership" and "@organisation" are filled in at run time
	Facets  string            // the API's facets parameter; "" asks for every facet
}

// Mix is the fixed query mix.
var Mix = func() []Query {
	var qs []Query
	add := func(kind string, texts ...string) {
		for _, t := range texts {
			qs = append(qs, Query{Kind: kind, Text: t})
		}
	}
	add("single word", "risk", "police", "ambulance", "medication", "discharge", "training", "ligature", "sepsis", "observation",
		"referral", "safeguarding", "prison", "escalation", "handover", "staffing")
	add("multi-word", "mental health assessment", "ambulance response delay", "care home falls", "prison healthcare", "police custody",
		"risk assessment training", "discharge planning", "GP referral", "information sharing", "patient records", "suicide prevention")
	add("phrase", `"mental health"`, `"care plan"`, `"risk assessment"`, `"information sharing"`, `"duty of candour"`, `"national guidance"`)
	add("exclusion", "risk -police", "patient -hospital", "training -staff", "medication -prison")
	add("or", "sepsis OR infection", "ligature OR hanging", "ambulance OR paramedic")
	add("broad", "death", "evidence", "concern", "patient", "hospital")
	add("narrow", "defibrillator", "anaphylaxis", `"carbon monoxide"`, "epilepsy", `"level crossing"`, "scooter")
	filtered := []Query{
		{Text: "risk", Filters: map[string]string{"type": "DHR"}},
		{Text: "police", Filters: map[string]string{"year": "2019"}},
		{Text: "medication", Filters: map[string]string{"sector": "nhs_trust"}},
		{Text: "training", Filters: map[string]string{"scope": "national"}},
		{Text: "mental health", Filters: map[string]string{"type": "PFD", "scope": "local"}},
		{Text: "delay", Filters: map[string]string{"partnership": "@partnership"}},
		{Text: "assessment", Filters: map[string]string{"organisation": "@organisation"}},
		{Text: "death", Filters: map[string]string{"response": "awaiting_response"}},
	}
	for _, q := range filtered {
		q.Kind = "filtered"
		qs = append(qs, q)
	}
	for _, q := range []Query{{Text: "risk", Facets: "type,theme"}, {Text: "patient", Facets: "organisation,sector"}, {Text: "police", Facets: "none"},
		{Text: "death", Facets: "none"}} {
		q.Kind = "facet subset"
		qs = append(qs, q)
	}
	return qs
}()

// Broad reports whether a query is one of the broad ones the facet comparison uses.
func (q Query) Broad() bool { return q.Kind == "broad" }

// Path is the API request for q. Every search asks for highlights (the API always returns them),
// a page of 20 and, unless the query says otherwise, every facet.
func (q Query) Path(fill func(string) string) string {
	v := url.Values{}
	v.Set("q", q.Text)
	v.Set("limit", "20")
	if q.Facets != "" {
		v.Set("facets", q.Facets)
	}
	for k, val := range q.Filters {
		v.Set(k, fill(val))
	}
	return "/api/v1/search?" + v.Encode()
}

// FacetNames is the facets q asks for.
func (q Query) FacetNames(all []string) []string {
	switch q.Facets {
	case "":
		return all
	case "none":
		return nil
	}
	return strings.Split(q.Facets, ",")
}
