package actionplan_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/store/imports"
)

// Action plans as they really are (issue 14 §4). Every fixture is fictional: the agencies are
// the test world's and Eastmere's, which exist nowhere.

const planHeader = "Recommendation,Scope,Action to take,Lead agency,Target date,Date of completion and outcome\n"

func hasIssue(rep actionplan.Report, severity, problem string, row int) bool {
	for _, is := range rep.Issues {
		if is.Severity == severity && strings.Contains(is.Problem, problem) && (row < 0 || is.Row == row) {
			return true
		}
	}
	return false
}

// A key, a RAG legend and a sign-off block under the table are skipped, each row reported.
func TestFooterRowsAreSkipped(t *testing.T) {
	csv := planHeader +
		"1. Agencies should share risk information before MARAC.,local,Agree a sharing form,Northfold Police,31/03/2026,In progress\n" +
		",,Train the MARAC chairs,Northfold Police,30/06/2026,\n" +
		",,,,,\n" +
		"Key:,,,,,\n" +
		"Red = not started,,Amber = in progress,,Green = complete,\n" +
		"RAG rating key: see the board's guidance,,,,,\n" +
		"Signed off by: Chair of the Northfold CSP (fictional),,,,,\n" +
		"Date of sign-off:,12/05/2026,,,,\n" +
		"Approved by the partnership board,,,,,\n"
	p, rep := actionplan.Read("footer.csv", []byte(csv), actionplan.DefaultLimits)
	if !rep.OK() {
		t.Fatalf("footer rows are errors: %v", rep.Issues)
	}
	if len(p.Recommendations) != 1 || len(p.Recommendations[0].Actions) != 2 {
		t.Fatalf("plan %+v", p.Recommendations)
	}
	for row := 5; row <= 10; row++ {
		if !hasIssue(rep, actionplan.SeverityWarning, "skipped", row) {
			t.Errorf("row %d is not reported as skipped: %v", row, rep.Issues)
		}
	}
	// A recommendation that merely opens with such a word is still a recommendation.
	csv = planHeader + "1. Key agencies should meet monthly.,local,Set up the meeting,Northfold Police,,\n" +
		",,Note: minutes to the board,Northfold Police,,\n" +
		"2. Signed agreements should be kept centrally.,local,Keep them,Northfold Police,,\n"
	if p, rep := actionplan.Read("words.csv", []byte(csv), actionplan.DefaultLimits); !rep.OK() || len(p.Recommendations) != 2 || len(p.Recommendations[0].Actions) != 2 {
		t.Fatalf("recommendations opening with a footer word: %v %+v", rep.Issues, p.Recommendations)
	}
}

func TestRealWorldDates(t *testing.T) {
	for in, want := range map[string]string{
		"Oct-25": "2025-10-31", "Sep-25": "2025-09-30", "October 2025": "2025-10-31", "Feb 24": "2024-02-29",
		"Q4 2025/26": "2026-03-31", "Q1 2025/26": "2025-06-30", "Q2 2025-26": "2025-09-30", "Q3 2025/2026": "2025-12-31",
		"end of March 2026": "2026-03-31", "End March 2026": "2026-03-31", "by end of Oct-25": "2025-10-31", "by 31/03/2026": "2026-03-31",
		"w/c 3/11/25": "2025-11-09", "W/C 03/11/2025": "2025-11-09", "45961": "2025-10-31", "2025-10-31": "2025-10-31",
	} {
		d, ok := actionplan.ParseUKDate(in)
		if !ok || d.String() != want {
			t.Errorf("ParseUKDate(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	// Not guessed: a quarter without its financial year, a season, a month 13.
	for _, bad := range []string{"Q4 2025", "Spring 2026", "31/13/2025", "next year", "Q5 2025/26", "Q4 2025/27"} {
		if d, ok := actionplan.ParseUKDate(bad); ok {
			t.Errorf("ParseUKDate(%q) = %v; want unreadable", bad, d)
		}
	}
	// An unreadable date is reported with its cell.
	csv := planHeader + "1. Do it,local,Act,Northfold Police,Spring 2026,\n"
	_, rep := actionplan.Read("dates.csv", []byte(csv), actionplan.DefaultLimits)
	if !hasIssue(rep, actionplan.SeverityError, `"Spring 2026"`, 2) || !hasIssue(rep, actionplan.SeverityError, "cell E2", 2) {
		t.Fatalf("unreadable date not reported with its cell: %v", rep.Issues)
	}
}

// A joint lead gives the action to each agency it names.
func TestJointLeadGivesEachAgencyTheAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		mash, err := w.s.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: "Eastmere MASH", Sector: "other"})
		must(t, err)
		evp, err := w.s.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: "Eastmere Victim Partnership", Sector: "other", Aliases: []string{"EVP"}})
		must(t, err)
		csv := planHeader + "1. Referrals should be screened within a day.,local,Screen every referral within 24 hours,Eastmere MASH / EVP,31/03/2026,\n"
		out := w.importFile(t, "joint.csv", []byte(csv), false, "EM-JOINT-1")
		if out.Result == nil || out.Result.ActionsCreated != 2 {
			t.Fatalf("joint lead: %+v %v", out.Result, out.Report.Issues)
		}
		recs, err := w.s.ListRecommendations(w.ctx, casereview.RecommendationFilter{ReviewID: out.Result.ReviewIDs[0]}, casereview.PageRequest{Limit: 5})
		must(t, err)
		if len(recs.Items) != 1 || len(recs.Items[0].Addressees) != 2 {
			t.Fatalf("recommendations %+v", recs.Items)
		}
		acts, err := w.s.ListActions(w.ctx, casereview.ActionFilter{RecommendationID: recs.Items[0].ID}, casereview.PageRequest{Limit: 10})
		must(t, err)
		var owners []string
		for _, a := range acts.Items {
			if a.Description != "Screen every referral within 24 hours" || a.TargetDate.String() != "2026-03-31" {
				t.Errorf("action %+v", a)
			}
			owners = append(owners, a.OrganisationID)
		}
		slices.Sort(owners)
		want := []string{mash.ID, evp.ID}
		slices.Sort(want)
		if !slices.Equal(owners, want) {
			t.Fatalf("actions owned by %v; want one each for the MASH and EVP", owners)
		}
	})
}

// A title row that names the review's type and title supplies them when flags don't.
func TestTitleRowSuppliesTypeAndTitle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		for i, c := range []struct{ row, typ, title string }{
			{"Domestic Homicide Review ‘Adult M’ – Action Plan", "DHR", "Adult M"},
			{"SAR – Joanna – action plan (fictional)", "SAR", "Joanna"},
			{`"""Child N"" Child Safeguarding Practice Review: Action Plan"`, "CSPR", "Child N"},
		} {
			csv := c.row + ",,,,,\n,,,,,\n" + planHeader + "1. Do it,local,Act,Northfold Police,31/03/2026,\n"
			ref := "TITLE-ROW-" + string(rune('A'+i))
			out, err := actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: "title.csv", Data: []byte(csv),
				Review: casereview.ReviewDraft{PartnershipID: w.p.ID, Reference: ref}, Today: casereview.DateOf(time.Now())})
			must(t, err)
			if out.Result == nil {
				t.Fatalf("%q: %v", c.row, out.Report.Issues)
			}
			rv, err := w.s.GetReview(w.ctx, out.Result.ReviewIDs[0])
			must(t, err)
			if rv.Type != c.typ || rv.Title != c.title {
				t.Errorf("%q: type %q title %q; want %q %q", c.row, rv.Type, rv.Title, c.typ, c.title)
			}
		}
		// A flag wins over the title row.
		csv := "Domestic Homicide Review ‘Adult M’ – Action Plan\n" + planHeader + "1. Do it,local,Act,Northfold Police,31/03/2026,\n"
		out, err := actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: "title.csv", Data: []byte(csv),
			Review: casereview.ReviewDraft{PartnershipID: w.p.ID, Reference: "TITLE-ROW-FLAG", Type: "SAR", Title: "Given"}, Today: casereview.DateOf(time.Now())})
		must(t, err)
		if out.Result == nil {
			t.Fatalf("with flags: %v", out.Report.Issues)
		}
		if rv, _ := w.s.GetReview(w.ctx, out.Result.ReviewIDs[0]); rv.Type != "SAR" || rv.Title != "Given" {
			t.Errorf("flags overridden by the title row: %+v", rv)
		}
	})
}

// Every problem of a file is reported in one pass.
func TestEveryProblemInOnePass(t *testing.T) {
	csv := planHeader +
		"1. Do it,local,Act,Northfold Police,sometime,\n" +
		"1. Again,galactic,Act again,Northfeld Polise,31/03/2026,\n" +
		"2. Finish it,local,Finish,Northfold Police,31/03/2026,Completed 01/01/2099\n"
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		before := counts(t, w)
		out, err := actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: "bad.csv", Data: []byte(csv),
			Review: casereview.ReviewDraft{PartnershipID: w.p.ID}, Today: casereview.DateOf(time.Now())})
		must(t, err)
		if out.Result != nil {
			t.Fatalf("a file with errors imported: %+v", out.Result)
		}
		for _, want := range []string{`target date "sometime" cannot be read`, "already used on row 2", "not local, regional or national",
			`no organisation is called "Northfeld Polise"`, "in the future", "review reference is missing"} {
			if !hasIssue(out.Report, actionplan.SeverityError, want, -1) {
				t.Errorf("not reported: %q; report %v", want, out.Report.Issues)
			}
		}
		sameCounts(t, before, counts(t, w))

		// A missing required column does not hide the rows' own problems.
		noLead := "Recommendation,Scope,Action to take,Target date\n1. Do it,local,Act,sometime\n1. Again,local,Act,\n"
		out, err = actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: "nolead.csv", Data: []byte(noLead),
			Review: casereview.ReviewDraft{PartnershipID: w.p.ID, Reference: "NOLEAD-1", Type: "DHR", Title: "T"}, Today: casereview.DateOf(time.Now())})
		must(t, err)
		for _, want := range []string{`"Lead agency" is missing`, `target date "sometime" cannot be read`, "already used on row 2"} {
			if !hasIssue(out.Report, actionplan.SeverityError, want, -1) {
				t.Errorf("not reported: %q; report %v", want, out.Report.Issues)
			}
		}
		if out.Result != nil || hasIssue(out.Report, actionplan.SeverityError, "no lead agency", -1) || hasIssue(out.Report, actionplan.SeverityError, `called ""`, -1) {
			t.Errorf("missing column: %+v %v", out.Result, out.Report.Issues)
		}
		sameCounts(t, before, counts(t, w))
	})
}

// A target before the review's publication is a warning: real plans start before it.
func TestEarlyTargetIsAWarning(t *testing.T) {
	csv := "Published:,01/06/2025\n" + planHeader + "1. Do it,local,Act,Northfold Police,31/03/2025,\n"
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		out := w.importFile(t, "early.csv", []byte(csv), false, "EARLY-1")
		if out.Result == nil || out.Result.ActionsCreated != 1 {
			t.Fatalf("early target refused: %v", out.Report.Issues)
		}
		if !hasIssue(out.Report, actionplan.SeverityWarning, "before the review was published", 3) {
			t.Fatalf("no warning: %v", out.Report.Issues)
		}
	})
}

// Legacy encodings decode properly: Windows-1252 (Excel's "CSV" on Windows) and UTF-16 with a
// byte-order mark (Excel's "Unicode text", tab separated).
func TestLegacyEncodings(t *testing.T) {
	// "• Review the café’s £5 – ‘safe’ scheme" in Windows-1252.
	cp := []byte(planHeader + "1. \x95 Review the caf\xe9\x92s \xa35 \x96 \x91safe\x92 scheme,local,Act,Northfold Police,,\n")
	want := "• Review the café’s £5 – ‘safe’ scheme"
	p, rep := actionplan.Read("legacy.csv", cp, actionplan.DefaultLimits)
	if !rep.OK() || len(p.Recommendations) != 1 || p.Recommendations[0].Text != want {
		t.Fatalf("Windows-1252: %v %+v", rep.Issues, p.Recommendations)
	}
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		out := w.importFile(t, "legacy.csv", cp, false, "LEGACY-1")
		if out.Result == nil {
			t.Fatalf("Windows-1252 import: %v", out.Report.Issues)
		}
		recs, err := w.s.ListRecommendations(w.ctx, casereview.RecommendationFilter{ReviewID: out.Result.ReviewIDs[0]}, casereview.PageRequest{Limit: 5})
		must(t, err)
		if len(recs.Items) != 1 || recs.Items[0].Text != want {
			t.Fatalf("stored %+v", recs.Items)
		}
	})
	// UTF-16LE with its byte-order mark, tab separated.
	text := strings.ReplaceAll(planHeader, ",", "\t") + "1. Zoë’s plan • ready\tlocal\tAct\tNorthfold Police\t\t\n"
	u16 := []byte{0xFF, 0xFE}
	for _, r := range text {
		if r > 0xFFFF {
			t.Fatal("fixture needs surrogates")
		}
		u16 = append(u16, byte(r), byte(r>>8))
	}
	p, rep = actionplan.Read("unicode.txt", u16, actionplan.DefaultLimits)
	if !rep.OK() || len(p.Recommendations) != 1 || p.Recommendations[0].Text != "Zoë’s plan • ready" {
		t.Fatalf("UTF-16: %v %+v", rep.Issues, p.Recommendations)
	}
}
