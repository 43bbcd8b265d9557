package demo

import (
	"context"
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
)

// tracker replays the life of the demo's recommendations after publication.
type tracker struct {
	svc      casereview.Service
	ids      *installed
	st       *Stats
	people   []casereview.Actor
	fallback context.Context // acts when none of the people may
}

// as returns a context acting as the first of the people that ok accepts, or the fallback.
func (t *tracker) as(ok func(casereview.Actor) bool) context.Context {
	for _, p := range t.people {
		if ok(p) {
			return casereview.WithActor(t.fallback, p)
		}
	}
	return t.fallback
}

// owner acts for organisation org: its agency editor, else the panel of the review's partnership.
func (t *tracker) owner(partnership, org string) context.Context {
	for _, p := range t.people {
		if p.EditorOf(org) {
			return casereview.WithActor(t.fallback, p)
		}
	}
	return t.as(func(a casereview.Actor) bool { return a.PanelOf(partnership) })
}

func (t *tracker) oversight() context.Context {
	return t.as(func(a casereview.Actor) bool { return a.IsOversight() })
}

// linker: the panel of the review's partnership, else oversight.
func (t *tracker) linker(partnership string) context.Context {
	for _, p := range t.people {
		if p.PanelOf(partnership) {
			return casereview.WithActor(t.fallback, p)
		}
	}
	return t.oversight()
}

func (t *tracker) replay(ds *Dataset) error {
	for _, r := range ds.Reviews {
		partnership := t.ids.partnerships[r.Partnership]
		for _, rec := range r.Recommendations {
			id := t.ids.recs[recKey(r.Key, rec.Number)]
			for _, a := range rec.Addressees {
				if err := t.responses(partnership, id, a); err != nil {
					return fmt.Errorf("review %s recommendation %s: %w", r.Key, rec.Number, err)
				}
			}
			for i, a := range rec.Actions {
				if err := t.progress(partnership, t.ids.actions[actionKey(r.Key, rec.Number, i)], a); err != nil {
					return fmt.Errorf("review %s recommendation %s action %d: %w", r.Key, rec.Number, i+1, err)
				}
			}
		}
	}
	for _, r := range ds.Reviews {
		for _, rec := range r.Recommendations {
			for _, l := range rec.Links {
				ctx := t.linker(t.ids.partnerships[r.Partnership])
				_, err := t.svc.AddLink(ctx, t.ids.recs[recKey(r.Key, rec.Number)], casereview.LinkDraft{Type: casereview.LinkType(l.Type),
					TargetID: t.ids.recs[recKey(l.Review, l.Number)], Note: l.Note})
				if err != nil {
					return fmt.Errorf("review %s recommendation %s link to %s %s: %w", r.Key, rec.Number, l.Review, l.Number, err)
				}
				t.st.Links++
			}
		}
	}
	for _, r := range ds.Reviews {
		for _, rec := range r.Recommendations {
			if err := t.assess(t.ids.recs[recKey(r.Key, rec.Number)], rec.Assessments); err != nil {
				return fmt.Errorf("review %s recommendation %s: %w", r.Key, rec.Number, err)
			}
		}
	}
	return nil
}

func (t *tracker) responses(partnership, recID string, a Addressee) error {
	org := t.ids.orgs[a.Organisation]
	for i, r := range a.Responses {
		_, err := t.svc.RecordResponse(t.owner(partnership, org), recID, casereview.ResponseDraft{OrganisationID: org,
			Decision: casereview.ResponseStatus(r.Decision), Narrative: r.Narrative, Timetable: r.Timetable, Reasons: r.Reasons,
			ReceivedOn: date(&r.ReceivedOn)})
		if err != nil {
			return fmt.Errorf("response %d of %s: %w", i+1, a.Organisation, err)
		}
		t.st.Responses++
	}
	return nil
}

// byOversight reports whether the implementation table gives the move from -> to to oversight
// (verifying a claim, sending it back, reopening a verified action).
func byOversight(from casereview.ImplementationStatus, to string) bool {
	for _, m := range casereview.Machines() {
		if m.Layer != "implementation" {
			continue
		}
		for _, tr := range m.Moves {
			if tr.From == string(from) && tr.To == to {
				return tr.By == casereview.ByOversight
			}
		}
	}
	return false
}

func (t *tracker) progress(partnership, actionID string, a Action) error {
	org := t.ids.orgs[a.Organisation]
	evidence := map[string]string{} // title -> id
	for i, st := range a.Progress {
		owner := t.owner(partnership, org)
		for _, e := range st.Evidence {
			d := casereview.EvidenceDraft{Title: e.Title, EvidenceType: e.EvidenceType, URL: e.URL, Filename: e.Filename}
			if e.Filename != "" {
				d.Content = []byte(e.Content)
			}
			x, err := t.svc.AddEvidence(owner, actionID, d)
			if err != nil {
				return fmt.Errorf("step %d evidence %q: %w", i+1, e.Title, err)
			}
			evidence[e.Title] = x.ID
			t.st.Evidence++
		}
		for _, r := range st.ReviewEvidence {
			if _, err := t.svc.ReviewEvidence(t.oversight(), evidence[r.Title], casereview.EvidenceStatus(r.Status), r.Note); err != nil {
				return fmt.Errorf("step %d review of %q: %w", i+1, r.Title, err)
			}
			t.st.EvidenceReviews++
		}
		if st.Status == "" && st.Narrative == "" {
			continue
		}
		cur, err := t.svc.GetAction(t.fallback, actionID)
		if err != nil {
			return err
		}
		ctx := owner
		if byOversight(cur.ImplementationStatus, st.Status) {
			ctx = t.oversight()
		}
		if _, err := t.svc.ProgressAction(ctx, actionID, cur.Version, casereview.ActionProgress{Status: casereview.ImplementationStatus(st.Status),
			Narrative: st.Narrative, Reason: st.Reason, Outcome: st.Outcome, CompletionDate: date(st.CompletionDate)}); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, st.Status, err)
		}
		t.st.Progress++
	}
	return nil
}

func (t *tracker) assess(recID string, as []Assessment) error {
	ctx := t.oversight()
	for i, a := range as {
		rec, err := t.svc.GetRecommendation(ctx, recID)
		if err != nil {
			return err
		}
		if _, err := t.svc.Assess(ctx, recID, rec.Version, casereview.AssessmentDraft{Classification: casereview.OversightStatus(a.Classification),
			Rationale: a.Rationale}); err != nil {
			return fmt.Errorf("assessment %d (%s): %w", i+1, a.Classification, err)
		}
		t.st.Assessments++
	}
	return nil
}
