package actionplan

import (
	"os"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

func TestParseUKDate(t *testing.T) {
	cases := map[string]string{
		"31/03/2024": "2024-03-31", "1/4/24": "2024-04-01", "02.10.2024": "2024-10-02", "31-12-2024": "2024-12-31",
		"14 March 2024": "2024-03-14", "1st December 2024": "2024-12-01", "3rd of Sept 2024": "2024-09-03", "Sept 2024": "2024-09-30",
		"February 2024": "2024-02-29", "2024-09-30": "2024-09-30", "45657": "2024-12-31", "45382.0": "2024-03-31",
	}
	for in, want := range cases {
		d, ok := ParseUKDate(in)
		if !ok || d.String() != want {
			t.Errorf("ParseUKDate(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, bad := range []string{"31/02/2024", "soon", "13/13/2024", "Q3 2024", "123", "Smarch 2024", "2024"} {
		if d, ok := ParseUKDate(bad); ok {
			t.Errorf("ParseUKDate(%q) = %v; want unreadable", bad, d)
		}
	}
}

func TestParseCompletion(t *testing.T) {
	type want struct {
		status casereview.ImplementationStatus
		date   string
		note   string
		amb    bool
	}
	cases := map[string]want{
		"":                                 {},
		"Completed 28/03/2024: field live": {"implemented_pending_verification", "2024-03-28", "field live", false},
		"Complete (5 May 2024) - policy reissued": {"implemented_pending_verification", "2024-05-05", "policy reissued", false},
		"31/03/2024":                  {"implemented_pending_verification", "2024-03-31", "", false},
		"In progress: 60% briefed":    {"in_progress", "", "60% briefed", false},
		"Planned":                     {"planned", "", "", false},
		"not yet started":             {"not_started", "", "not yet started", false},
		"Not implemented: superseded": {"not_implemented", "", "superseded", false},
		"Training delivered to all staff in June 2024": {"implemented_pending_verification", "2024-06-30", "Training delivered to all staff in June 2024", false},
		"Ongoing":                                    {"in_progress", "", "Ongoing", false},
		"Not yet completed":                          {"", "", "Not yet completed", true},
		"Some sessions held, others postponed":       {"", "", "Some sessions held, others postponed", true},
		"Partially delivered; rest completed in May": {"", "", "Partially delivered; rest completed in May", true},
		"Completely different approach taken":        {"", "", "Completely different approach taken", true},
	}
	for in, w := range cases {
		c := ParseCompletion(in)
		date := ""
		if c.Date != nil {
			date = c.Date.String()
		}
		if c.Status != w.status || date != w.date || c.Note != w.note || c.Ambiguous != w.amb {
			t.Errorf("ParseCompletion(%q) = %+v (date %s); want %+v", in, c, date, w)
		}
	}
}

func TestHeaderMatching(t *testing.T) {
	cases := map[string]Column{
		"RECOMMENDATION ": ColRecommendation, "Rec No.": ColNumber, "Scope (Local / Regional / National)": ColScope,
		"Action(s) to be taken": ColAction, "Lead Agency": ColLead, "Key Milestones achieved in enacting recommendation": ColMilestones,
		"Target  Date": ColTarget, "Date of Completion & Outcome": ColCompletion, "Date of completion and outcome": ColCompletion,
		"Action to take": ColAction, "Lead officer": ColOwner,
	}
	for in, want := range cases {
		if got, _ := matchHeader(in); got != want {
			t.Errorf("matchHeader(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestReadMessyCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/messy_plan.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, rep := Read("messy_plan.csv", data, DefaultLimits)
	if !rep.OK() {
		t.Fatalf("report has errors: %v", rep.Issues)
	}
	if p.Meta["reference"] != "NF-DHR-2023-07" || p.Meta["published"] != "14 March 2024" || p.Meta["type"] != "DHR" {
		t.Fatalf("meta %v", p.Meta)
	}
	var nums []string
	actions := 0
	for _, r := range p.Recommendations {
		nums = append(nums, r.Number)
		actions += len(r.Actions)
	}
	// Count independently of the parser: data rows under the header with an action.
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	wantActions := 0
	for _, l := range lines[7:] {
		if fields := strings.Split(l, ","); len(fields) > 3 && fields[3] != "" {
			wantActions++
		}
	}
	if strings.Join(nums, " ") != "1 2 3a 3b 4" || actions != wantActions {
		t.Fatalf("numbers %v, %d actions; want 1 2 3a 3b 4 and %d", nums, actions, wantActions)
	}
	r1 := p.Recommendations[0]
	if len(r1.Actions) != 3 || r1.Scope != "local" || !strings.HasPrefix(r1.Text, "Northfold Police to review") {
		t.Fatalf("recommendation 1: %+v", r1)
	}
	if r1.Actions[0].Row != 8 || r1.Actions[2].Target.String() != "2024-09-30" || r1.Actions[0].Completion.Status != casereview.ImplPending {
		t.Fatalf("recommendation 1 actions: %+v", r1.Actions)
	}
	if got := p.Recommendations[1].Actions[1].Target.String(); got != "2024-12-31" {
		t.Fatalf("Excel serial target read as %s", got)
	}
	if got := p.Recommendations[3]; got.Text[0] != '-' || got.Actions[0].Description[0] != '=' || got.Scope != "national" {
		t.Fatalf("recommendation 3b: %+v", got)
	}
	if c := p.Recommendations[2].Actions[0].Completion; !c.Ambiguous || c.Note == "" {
		t.Fatalf("ambiguous note read as %+v", c)
	}
}

func TestReadBadInput(t *testing.T) {
	header := "Recommendation,Scope,Action to take,Lead agency,Key milestones,Target date,Date of completion and outcome\n"
	cases := map[string]struct {
		data    string
		problem string
		row     int
	}{
		"empty":            {"", "the file is empty", 0},
		"pdf":              {"%PDF-1.7 binary", "PDF", 0},
		"binary":           {"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV or XLSX", 0},
		"old excel":        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", ".xls", 0},
		"only blanks":      {",,,\n,,\n", "no data", 0},
		"no header":        {"a,b,c\n1,2,3\n", "no header row", 0},
		"missing column":   {"Recommendation,Scope,Action to take,Target date\n1. Do it,local,Act,31/01/2025\n", `"Lead agency" is missing`, 1},
		"unreadable date":  {header + "1. Do it,local,Act,NFP,,sometime soon,\n", `target date "sometime soon" cannot be read`, 2},
		"no text":          {header + "1.,local,Act,NFP,,,\n", "has no text", 2},
		"duplicate number": {header + "1. Do it,local,Act,NFP,,,\n1. Again,local,Act 2,NFP,,,\n", "already used on row 2", 3},
		"bad scope":        {header + "1. Do it,galactic,Act,NFP,,,\n", "not local, regional or national", 2},
		"action first":     {header + ",,Act,NFP,,,\n", "before any recommendation", 2},
		"no lead":          {header + "1. Do it,local,Act,,,,\n", "no lead agency", 2},
		"no recs":          {header, "no recommendations", 1},
	}
	for name, c := range cases {
		_, rep := Read(name+".csv", []byte(c.data), DefaultLimits)
		found := false
		for _, is := range rep.Issues {
			if is.Severity == SeverityError && strings.Contains(is.Problem, c.problem) && is.Row == c.row {
				found = true
			}
		}
		if !found || rep.OK() {
			t.Errorf("%s: report %v; want an error at row %d containing %q", name, rep.Issues, c.row, c.problem)
		}
	}
	big := Limits{MaxBytes: 100, MaxRows: 10}
	if _, rep := Read("big.csv", []byte(header+strings.Repeat("x", 200)), big); rep.OK() || !strings.Contains(rep.Issues[0].Problem, "limit is 100") {
		t.Errorf("oversized file: %v", rep.Issues)
	}
	if _, rep := Read("long.csv", []byte(header+strings.Repeat("1. x,local,a,b,,,\n", 20)), Limits{MaxRows: 10}); rep.OK() {
		t.Errorf("too many rows accepted: %v", rep.Issues)
	}
}
