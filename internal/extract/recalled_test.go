package extract

import (
	"strings"
	"testing"
)

// All documents here are fictional: invented inquiries, places and agencies.

// ticked are the numbers of the proposals the form ticks; recalledNumbers those it leaves
// unticked.
func ticked(ps []Proposal) string {
	var out []string
	for _, p := range ps {
		if !p.Recalled {
			out = append(out, p.Number)
		}
	}
	return strings.Join(out, " ")
}

func recalledNumbers(ps []Proposal) string {
	var out []string
	for _, p := range ps {
		if p.Recalled {
			out = append(out, p.Number)
		}
	}
	return strings.Join(out, " ")
}

func byNumber(t *testing.T, ps []Proposal, n string) Proposal {
	t.Helper()
	for _, p := range ps {
		if p.Number == n {
			return p
		}
	}
	t.Fatalf("no proposal %s in %q", n, numbers(ps))
	return Proposal{}
}

// A recommendation listed under "Previous recommendations" is recalled wherever else the report
// mentions it: here the analysis quotes it again, in full, with its identifier.
func TestPreviousHeadingRecallsTheIdentifierEverywhere(t *testing.T) {
	ps := findText(t, `4. Analysis
4.1. The ferry left without a lookout. The Commission recommended in 2009 that the Director
of Harbours require a lookout on every ferry (012/09).
5. Recommendations
Previous recommendations
5.1. On 2 March 2009 the Commission recommended that the Director of Harbours require a
lookout on every ferry (012/09).
New recommendations
5.2. On 4 May 2021 the Commission recommended that Southmere Ferries train its crews in
keeping a lookout (007/21).
`)
	if got := ticked(ps); got != "007/21" {
		t.Errorf("ticked = %q, want 007/21", got)
	}
	if got := recalledNumbers(ps); got != "012/09" {
		t.Fatalf("recalled = %q, want 012/09", got)
	}
	if p := byNumber(t, ps, "012/09"); !strings.HasPrefix(p.Text, "On 2 March 2009") {
		t.Errorf("the recalled one is shown as the heading lists it: %q", p.Text)
	}
}

// Identifiers carrying a year older than every one in the report's own recommendations
// section, met only in a later section (an appendix on earlier inquiries), are recalled.
func TestOlderSeriesInALaterSectionIsRecalled(t *testing.T) {
	ps := findText(t, `6. Recommendations
6.1. On 1 September 2022 the Commission recommended that the Aviation Authority publish
guidance on joining the circuit at unattended aerodromes (012/22).
6.2. On 1 September 2022 the Commission recommended that the Aviation Authority
promote radio calls at unattended aerodromes (013/22).
Appendix 3: Earlier mid-air collisions
Recommendations
The Commission recommended that the Director inform instructors of the findings of the
Westvale inquiry (029/12).
The Commission recommended that the Director review aircraft lighting (030/12).
`)
	if got := ticked(ps); got != "012/22 013/22" {
		t.Errorf("ticked = %q, want 012/22 013/22", got)
	}
	if got := recalledNumbers(ps); got != "029/12 030/12" {
		t.Errorf("recalled = %q, want 029/12 030/12", got)
	}
}

// An urgent recommendation made during the inquiry, a year before the final ones, is the
// report's own: its section comes first.
func TestEarlierUrgentRecommendationInTheOwnSectionStays(t *testing.T) {
	ps := findText(t, `8. Recommendations
Urgent recommendations
8.1. On 3 March 2011 the Commission recommended that the Chief Executive of Southmere
Roads mark the crossing's stop line as a matter of urgency (029/11).
Further recommendations
8.2. On 9 May 2012 the Commission recommended that the Chief Executive of Southmere
Roads review every crossing's stacking distance (026/12).
`)
	if got, r := ticked(ps), recalledNumbers(ps); got != "029/11 026/12" || r != "" {
		t.Errorf("ticked = %q, recalled = %q; both are the report's own", got, r)
	}
}

// A contents entry for "Historical recommendations" that wrapped (so its page number is on the
// next line, and the entry itself looks like a heading) starts nothing.
func TestWrappedContentsEntryIsNotAPreviousHeading(t *testing.T) {
	ps := findText(t, `Contents
Historical recommendations made regarding stacking distances at rail level
crossings ........................................................ 17
Analysis
The Commission recommended that the Chief Executive of Southmere Roads address
the stacking distance at the crossing (Recommendation 030/11).
8. Recommendations
8.1. On 3 March 2011 the Commission recommended that the Chief Executive of
Southmere Roads address the stacking distance at the crossing (Recommendation 030/11).
`)
	if got, r := ticked(ps), recalledNumbers(ps); got != "030/11" || r != "" {
		t.Errorf("ticked = %q, recalled = %q; want 030/11 ticked", got, r)
	}
}

// A numbered heading of recalled recommendations ends at the next numbered heading of its level.
func TestNumberedPreviousHeadingEndsAtTheNextOfItsLevel(t *testing.T) {
	ps := findText(t, `8. Recommendations
8.2. Historical recommendations
8.2.1. In 2002 the Commission recommended that the Director of Roads set stacking
distances for every crossing (044/02).
8.3. Crossing design
8.3.1. On 3 March 2011 the Commission recommended that the Chief Executive of
Southmere Roads address the stacking distance at the crossing (031/11).
`)
	if got := ticked(ps); got != "031/11" {
		t.Errorf("ticked = %q, want 031/11", got)
	}
	if got := recalledNumbers(ps); got != "044/02" {
		t.Errorf("recalled = %q, want 044/02", got)
	}
}

// "the recommendation:" or "recommendation to promote …" at a line's start is a sentence cut by
// a line break, not a heading: the analysis quoting another report's recommendation is not in a
// recommendations section, so it is not proposed when the report has one.
func TestLowerCaseLineIsNotASectionHeading(t *testing.T) {
	ps := findText(t, `4. Analysis
4.3.33. On 22 March 2012, in its report on the Fernhill crash, the Commission made another
recommendation to promote a drug and alcohol testing regime
for transport workers. The Commission recommends that the Secretary for Transport promote
a testing regime for persons in safety-critical roles (011/12).
4.3.34. On 3 May 2012 the Secretary replied to
the recommendation:
I accept recommendation 011/12.
7. Recommendations
7.1. The Commission recommends that the Director of Civil Aviation check every balloon
operator's maintenance records (001/13).
`)
	if got := strings.Join(numbers(ps), " "); got != "001/13" {
		t.Errorf("numbers = %q, want 001/13 only", got)
	}
}

// "New recommendations" opens the report's own section even when the section's main heading was
// lost (here glued to a running header), so a recommendation the analysis recalls is left out.
func TestNewRecommendationsHeadingOpensASection(t *testing.T) {
	ps := findText(t, `5. Analysis
5.11. The previous fire on board the Northern Star was investigated by the Commission and led
to the following recommendation to Southmere Fire:
On 19 September 2018 the Commission recommended to the Chief Executive of Southmere Fire that
he review the procedures for fighting fires on board ships. (023/18)
Final Report MO-2020-205 6 Recommendations
New recommendations
On 8 July 2022 the Commission recommended that Eastline Shipping take further steps to
ensure that the safety precautions in its manual are carried out on board. (011/22)
`)
	if got := strings.Join(numbers(ps), " "); got != "011/22" {
		t.Errorf("numbers = %q, want 011/22 only", got)
	}
}
