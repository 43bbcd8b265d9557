package demo

import (
	"strings"
	"testing"
)

func load(t *testing.T) *Dataset {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func TestLoadIsClean(t *testing.T) {
	d := load(t)
	if err := d.Check(); err != nil {
		t.Fatalf("Check on a freshly loaded dataset: %v", err)
	}
	if !strings.Contains(strings.ToLower(d.FictionalNotice), "fictional") {
		t.Errorf("fictional_notice does not say the data is fictional: %q", d.FictionalNotice)
	}
}

func TestCounts(t *testing.T) {
	d := load(t)
	if n := len(d.Partnerships); n < 3 {
		t.Errorf("partnerships = %d, want >= 3", n)
	}
	if n := len(d.Organisations); n < 15 {
		t.Errorf("organisations = %d, want >= 15", n)
	}
	if n := len(d.Reviews); n < 12 {
		t.Errorf("reviews = %d, want >= 12", n)
	}
	byType := map[string]int{}
	recs, actions, completed := 0, 0, 0
	visibility := map[string]int{}
	for _, r := range d.Reviews {
		byType[r.Type]++
		visibility[r.Visibility]++
		recs += len(r.Recommendations)
		for _, rec := range r.Recommendations {
			actions += len(rec.Actions)
			for _, a := range rec.Actions {
				if a.CompletionDate != nil {
					completed++
				}
			}
		}
	}
	for _, typ := range []string{"DHR", "CSPR", "SCR", "CDR", "SAR", "PFD"} {
		if byType[typ] == 0 {
			t.Errorf("no %s review in the dataset", typ)
		}
	}
	for _, v := range []string{"restricted", "shared", "public"} {
		if visibility[v] == 0 {
			t.Errorf("no review with visibility %s", v)
		}
	}
	if recs < 60 {
		t.Errorf("recommendations = %d, want >= 60", recs)
	}
	if completed == 0 || completed == actions {
		t.Errorf("completed actions = %d of %d, want a mix", completed, actions)
	}
}

// TestTrackingCoversTheLifecycle: the file tells the whole life of a recommendation, so every
// decision, a claim awaiting verification, a verified claim, a rejected item of evidence, a
// closure, an unacceptable assessment and links between reviews all appear.
func TestTrackingCoversTheLifecycle(t *testing.T) {
	d := load(t)
	seen := map[string]int{}
	for _, r := range d.Reviews {
		for _, rec := range r.Recommendations {
			for _, a := range rec.Addressees {
				for _, x := range a.Responses {
					seen["response "+x.Decision]++
				}
			}
			for _, a := range rec.Actions {
				for _, st := range a.Progress {
					if st.Status != "" {
						seen["action "+st.Status]++
					}
					seen["evidence"] += len(st.Evidence)
					for _, x := range st.ReviewEvidence {
						seen["evidence "+x.Status]++
					}
				}
			}
			for _, x := range rec.Assessments {
				seen["assessment "+x.Classification]++
			}
			for _, x := range rec.Links {
				seen["link "+x.Type]++
			}
		}
	}
	for _, k := range []string{"response accepted", "response accepted_in_part", "response accepted_alternative", "response not_accepted",
		"response response_received", "action planned", "action in_progress", "action implemented_pending_verification",
		"action implemented_verified", "evidence", "evidence verified", "evidence rejected", "assessment open_acceptable",
		"assessment open_unacceptable", "assessment closed_acceptable_action", "link repeats", "link similar_to"} {
		if seen[k] == 0 {
			t.Errorf("the demo has no %s", k)
		}
	}
	if seen["action implemented_pending_verification"] <= seen["action implemented_verified"] {
		t.Errorf("claims %d, verified %d: some claims should still await verification", seen["action implemented_pending_verification"], seen["action implemented_verified"])
	}
}

// tracked returns an action of d that has progress, and its recommendation.
func tracked(t *testing.T, d *Dataset) (*Recommendation, *Action) {
	t.Helper()
	for i := range d.Reviews {
		for j := range d.Reviews[i].Recommendations {
			rec := &d.Reviews[i].Recommendations[j]
			for k := range rec.Actions {
				if len(rec.Actions[k].Progress) > 0 {
					return rec, &rec.Actions[k]
				}
			}
		}
	}
	t.Fatal("no action with progress")
	return nil, nil
}

func TestAllKindsAndSectorsAreKnown(t *testing.T) {
	d := load(t)
	kinds := map[string]bool{}
	for _, p := range d.Partnerships {
		kinds[p.Kind] = true
	}
	for _, k := range []string{"community_safety_partnership", "safeguarding_children_partnership",
		"safeguarding_adults_board", "child_death_overview_panel", "coroner_area"} {
		if !kinds[k] {
			t.Errorf("no partnership of kind %s", k)
		}
	}
	withParent := 0
	for _, o := range d.Organisations {
		if o.Parent != nil {
			withParent++
		}
	}
	if withParent == 0 {
		t.Error("no organisation has a parent")
	}
}

func TestValidThemeCode(t *testing.T) {
	for code, want := range map[string]bool{
		"A01": true, "A18": true, "B13": true, "C24": true,
		"A00": false, "A19": false, "B14": false, "C25": false, "D01": false,
		"a01": false, "C1": false, "C001": false, "": false,
	} {
		if got := ValidThemeCode(code); got != want {
			t.Errorf("ValidThemeCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// findReview returns the review with the given type so mutations do not depend on ordering.
func findReview(t *testing.T, d *Dataset, typ string) *Review {
	t.Helper()
	for i := range d.Reviews {
		if d.Reviews[i].Type == typ && d.Reviews[i].PublishedOn != nil && len(d.Reviews[i].Recommendations) > 1 {
			return &d.Reviews[i]
		}
	}
	t.Fatalf("no published %s review with recommendations", typ)
	return nil
}

// firstRecWithAction returns a recommendation of r that has at least one action.
func firstRecWithAction(t *testing.T, r *Review) *Recommendation {
	t.Helper()
	for i := range r.Recommendations {
		if len(r.Recommendations[i].Actions) > 0 {
			return &r.Recommendations[i]
		}
	}
	t.Fatalf("review %s has no recommendation with actions", r.Key)
	return nil
}

// nonAddressee returns an organisation key not addressed by rec.
func nonAddressee(d *Dataset, rec *Recommendation) string {
	addressed := map[string]bool{}
	for _, a := range rec.Addressees {
		addressed[a.Organisation] = true
	}
	for _, o := range d.Organisations {
		if !addressed[o.Key] {
			return o.Key
		}
	}
	return ""
}

func TestCheckCatchesErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, d *Dataset)
		want   string
	}{
		{"empty notice", func(t *testing.T, d *Dataset) { d.FictionalNotice = " " }, "fictional_notice is empty"},
		{"duplicate partnership key", func(t *testing.T, d *Dataset) {
			d.Partnerships = append(d.Partnerships, d.Partnerships[0])
		}, "duplicate partnership key"},
		{"bad partnership kind", func(t *testing.T, d *Dataset) { d.Partnerships[0].Kind = "lscb" }, `unknown partnership kind "lscb"`},
		{"bad area code", func(t *testing.T, d *Dataset) { d.Partnerships[0].AreaCodes = []string{"Eastmere"} }, "is not of the form PREFIX:Name"},
		{"duplicate organisation key", func(t *testing.T, d *Dataset) {
			o := d.Organisations[0]
			o.Name, o.Aliases = "Another name", nil
			d.Organisations = append(d.Organisations, o)
		}, "duplicate organisation key"},
		{"bad sector", func(t *testing.T, d *Dataset) { d.Organisations[0].Sector = "charity" }, `unknown sector "charity"`},
		{"unknown parent", func(t *testing.T, d *Dataset) { d.Organisations[0].Parent = ptr("nobody") }, `unknown parent organisation "nobody"`},
		{"parent cycle", func(t *testing.T, d *Dataset) {
			d.Organisations[0].Parent = ptr(d.Organisations[1].Key)
			d.Organisations[1].Parent = ptr(d.Organisations[0].Key)
		}, "parent chain is a cycle"},
		{"shared alias", func(t *testing.T, d *Dataset) {
			d.Organisations[1].Aliases = append(d.Organisations[1].Aliases, strings.ToUpper(d.Organisations[0].Name))
		}, "is also used by organisation"},
		{"duplicate review key", func(t *testing.T, d *Dataset) {
			r := d.Reviews[0]
			r.Reference = "X-UNIQUE-1"
			d.Reviews = append(d.Reviews, r)
		}, "duplicate review key"},
		{"duplicate reference", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "DHR")
			var other *Review
			for i := range d.Reviews {
				if d.Reviews[i].Partnership == r.Partnership && d.Reviews[i].Key != r.Key {
					other = &d.Reviews[i]
					break
				}
			}
			if other == nil {
				t.Fatal("need two reviews in one partnership")
			}
			other.Reference = r.Reference
		}, "duplicate reference"},
		{"unknown partnership", func(t *testing.T, d *Dataset) { d.Reviews[0].Partnership = "nowhere" }, `unknown partnership "nowhere"`},
		{"PFD outside coroner area", func(t *testing.T, d *Dataset) {
			findReview(t, d, "PFD").Partnership = findReview(t, d, "DHR").Partnership
		}, "a PFD review cannot belong to partnership"},
		{"bad review type", func(t *testing.T, d *Dataset) { findReview(t, d, "DHR").Type = "DARDR" }, `unknown review type "DARDR"`},
		{"bad status", func(t *testing.T, d *Dataset) { findReview(t, d, "DHR").Status = "draft" }, `unknown review status "draft"`},
		{"bad visibility", func(t *testing.T, d *Dataset) { findReview(t, d, "DHR").Visibility = "secret" }, `unknown visibility "secret"`},
		{"bad commissioned date", func(t *testing.T, d *Dataset) { findReview(t, d, "SAR").CommissionedOn = "2020-13-01" }, "is not a yyyy-mm-dd date"},
		{"bad published date", func(t *testing.T, d *Dataset) { findReview(t, d, "SAR").PublishedOn = ptr("14/06/2022") }, `published_on "14/06/2022" is not a yyyy-mm-dd date`},
		{"published before commissioned", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "CSPR")
			r.CommissionedOn = *r.PublishedOn
		}, "is not after commissioned_on"},
		{"published without date", func(t *testing.T, d *Dataset) { findReview(t, d, "SCR").PublishedOn = nil }, "status published but no published_on"},
		{"in progress with date", func(t *testing.T, d *Dataset) { findReview(t, d, "SCR").Status = "in_progress" }, "status in_progress but published_on is set"},
		{"public but not published", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "SCR")
			r.Status, r.PublishedOn, r.Visibility = "commissioned", nil, "public"
			for i := range r.Recommendations {
				r.Recommendations[i].ResponseDue = nil
			}
		}, "visibility public requires status published"},
		{"incident after commissioning", func(t *testing.T, d *Dataset) { findReview(t, d, "SAR").IncidentYear = ptr(2099) }, "incident_year 2099"},
		{"bad report url", func(t *testing.T, d *Dataset) { findReview(t, d, "SAR").ReportURL = ptr("ftp://example.org/x") }, "is not an https URL"},
		{"duplicate number", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "DHR")
			r.Recommendations[1].Number = r.Recommendations[0].Number
		}, "duplicate recommendation number"},
		{"empty number", func(t *testing.T, d *Dataset) { findReview(t, d, "DHR").Recommendations[0].Number = "" }, "number is empty"},
		{"bad scope", func(t *testing.T, d *Dataset) { findReview(t, d, "DHR").Recommendations[0].Scope = "county" }, `unknown scope "county"`},
		{"bad intervention", func(t *testing.T, d *Dataset) {
			findReview(t, d, "DHR").Recommendations[0].InterventionType = "awareness"
		}, `unknown intervention type "awareness"`},
		{"response due before publication", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "SAR")
			r.Recommendations[0].ResponseDue = ptr(r.CommissionedOn)
		}, "is not after published_on"},
		{"PFD response not 56 days", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "PFD")
			r.Recommendations[0].ResponseDue = ptr("2099-01-01")
		}, "is not 56 days after published_on"},
		{"response due without publication", func(t *testing.T, d *Dataset) {
			r := findReview(t, d, "SAR")
			r.Status, r.PublishedOn = "submitted_for_qa", nil
		}, "response_due set but the review has no published_on"},
		{"no addressees", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CDR").Recommendations[0]
			rec.Addressees, rec.Actions = nil, nil
		}, "no addressees"},
		{"unknown addressee", func(t *testing.T, d *Dataset) {
			findReview(t, d, "CDR").Recommendations[0].Addressees[0].Organisation = "ghost"
		}, `unknown addressee organisation "ghost"`},
		{"addressed twice", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CDR").Recommendations[0]
			rec.Addressees = append(rec.Addressees, rec.Addressees[0])
		}, "is addressed twice"},
		{"bad role", func(t *testing.T, d *Dataset) {
			findReview(t, d, "CDR").Recommendations[0].Addressees[0].Role = "owner"
		}, `unknown addressee role "owner"`},
		{"no lead", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CDR").Recommendations[0]
			for i := range rec.Addressees {
				rec.Addressees[i].Role = "supporting"
			}
		}, "no lead addressee"},
		{"theme out of range", func(t *testing.T, d *Dataset) {
			findReview(t, d, "CSPR").Recommendations[0].Themes[0].Code = "B14"
		}, `theme code "B14" is outside`},
		{"theme tagged twice", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CSPR").Recommendations[0]
			rec.Themes = append(rec.Themes, ThemeRef{Code: rec.Themes[0].Code})
		}, "tagged twice"},
		{"two primaries", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CSPR").Recommendations[0]
			for i := range rec.Themes {
				rec.Themes[i].Primary = true
			}
		}, "primary themes, want exactly one"},
		{"no primary", func(t *testing.T, d *Dataset) {
			rec := &findReview(t, d, "CSPR").Recommendations[0]
			for i := range rec.Themes {
				rec.Themes[i].Primary = false
			}
		}, "0 primary themes, want exactly one"},
		{"action owner not addressee", func(t *testing.T, d *Dataset) {
			rec := firstRecWithAction(t, findReview(t, d, "DHR"))
			rec.Actions[0].Organisation = nonAddressee(d, rec)
		}, "is not an addressee of the recommendation"},
		{"action unknown organisation", func(t *testing.T, d *Dataset) {
			firstRecWithAction(t, findReview(t, d, "DHR")).Actions[0].Organisation = "ghost"
		}, `unknown organisation "ghost"`},
		{"bad target date", func(t *testing.T, d *Dataset) {
			firstRecWithAction(t, findReview(t, d, "DHR")).Actions[0].TargetDate = "soon"
		}, `target_date "soon" is not a yyyy-mm-dd date`},
		{"completion before commissioning", func(t *testing.T, d *Dataset) {
			a := &firstRecWithAction(t, findReview(t, d, "DHR")).Actions[0]
			a.CompletionDate, a.Outcome = ptr("2001-01-01"), ptr("done")
		}, "is before the review was commissioned"},
		{"completed without outcome", func(t *testing.T, d *Dataset) {
			a := &firstRecWithAction(t, findReview(t, d, "DHR")).Actions[0]
			a.CompletionDate, a.Outcome = ptr("2025-01-01"), nil
		}, "completed without an outcome"},
		{"unknown decision", func(t *testing.T, d *Dataset) {
			rec, _ := tracked(t, d)
			rec.Addressees[0].Responses = []Response{{Decision: "agreed", Narrative: "x", ReceivedOn: "2025-01-01"}}
		}, `unknown decision "agreed"`},
		{"response before publication", func(t *testing.T, d *Dataset) {
			rec, _ := tracked(t, d)
			rec.Addressees[0].Responses = []Response{{Decision: "accepted", Narrative: "x", ReceivedOn: "2001-01-01"}}
		}, "is before the review was published"},
		{"completion date without a claim", func(t *testing.T, d *Dataset) {
			_, a := tracked(t, d)
			a.Progress = append(a.Progress, Step{Status: "in_progress", CompletionDate: ptr("2024-01-01")})
		}, "completion_date goes only with status implemented_pending_verification"},
		{"claim on an imported completion", func(t *testing.T, d *Dataset) {
			_, a := tracked(t, d)
			a.CompletionDate, a.Outcome = ptr("2024-01-01"), ptr("done")
			a.Progress = append(a.Progress, Step{Status: "implemented_pending_verification", CompletionDate: ptr("2024-01-01")})
		}, "is not claimed again"},
		{"evidence outside .invalid", func(t *testing.T, d *Dataset) {
			_, a := tracked(t, d)
			a.Progress = append(a.Progress, Step{Evidence: []Evidence{{Title: "x", URL: "https://example.org/x"}}})
		}, "is not an https address under .invalid"},
		{"review of unknown evidence", func(t *testing.T, d *Dataset) {
			_, a := tracked(t, d)
			a.Progress = append(a.Progress, Step{ReviewEvidence: []EvidenceReview{{Title: "nothing", Status: "verified"}}})
		}, `no earlier evidence titled "nothing"`},
		{"rejection without a note", func(t *testing.T, d *Dataset) {
			_, a := tracked(t, d)
			a.Progress = append(a.Progress, Step{Evidence: []Evidence{{Title: "y", Filename: "y.txt", Content: "y"}}},
				Step{ReviewEvidence: []EvidenceReview{{Title: "y", Status: "rejected"}}})
		}, "note is empty"},
		{"link to nowhere", func(t *testing.T, d *Dataset) {
			rec, _ := tracked(t, d)
			rec.Links = []Link{{Type: "repeats", Review: "nowhere", Number: "1"}}
		}, `no recommendation "1" in review "nowhere"`},
		{"bad link type", func(t *testing.T, d *Dataset) {
			rec, _ := tracked(t, d)
			rec.Links = []Link{{Type: "echoes", Review: d.Reviews[1].Key, Number: d.Reviews[1].Recommendations[0].Number}}
		}, `unknown link type "echoes"`},
		{"closing without a rationale", func(t *testing.T, d *Dataset) {
			rec, _ := tracked(t, d)
			rec.Assessments = []Assessment{{Classification: "closed_no_longer_applicable"}}
		}, "closing without a rationale"},
		{"outcome without completion", func(t *testing.T, d *Dataset) {
			a := &firstRecWithAction(t, findReview(t, d, "DHR")).Actions[0]
			a.CompletionDate, a.Outcome = nil, ptr("done")
		}, "outcome recorded without a completion_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t) // a fresh decode, so mutations never leak between cases
			tt.mutate(t, d)
			err := d.Check()
			if err == nil {
				t.Fatalf("Check() = nil, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check() error does not contain %q:\n%v", tt.want, err)
			}
		})
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	d := load(t)
	d.Partnerships[0].Kind = "bad-kind"
	d.Organisations[0].Sector = "bad-sector"
	findReview(t, d, "PFD").Recommendations[0].Themes[0].Code = "Z99"
	err := d.Check()
	if err == nil {
		t.Fatal("Check() = nil, want three problems")
	}
	for _, want := range []string{"bad-kind", "bad-sector", "Z99"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestDecodeIsStrict(t *testing.T) {
	for name, in := range map[string]string{
		"unknown field": `{"fictional_notice":"x","partnerships":[],"organisations":[],"reviews":[],"extra":1}`,
		"trailing data": `{"fictional_notice":"x","partnerships":[],"organisations":[],"reviews":[]} {}`,
		"wrong type":    `{"fictional_notice":"x","partnerships":[],"organisations":[],"reviews":[{"incident_year":"2020"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := decode(strings.NewReader(in)); err == nil {
				t.Fatal("decode accepted invalid input")
			}
		})
	}
}
