package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Links to other recommendations and the timeline, as the recommendation page shows them.

// linkView is one link, read from this recommendation's side.
type linkView struct {
	ID     string
	Phrase string // "Duplicate of", "Superseded by" …
	Other  casereview.Recommendation
	Review casereview.Review
	Note   string
	At     time.Time
}

// linkPhrases reads a link of each kind forwards (this recommendation is its from end) and
// backwards (this is its to end).
var linkPhrases = map[casereview.LinkType][2]string{
	"duplicate_of": {"Duplicate of", "Duplicated by"},
	"repeats":      {"Repeats", "Repeated by"},
	"similar_to":   {"Similar to", "Similar to"},
	"supersedes":   {"Supersedes", "Superseded by"},
	"implements":   {"Implements", "Implemented by"},
	"contradicts":  {"Contradicts", "Contradicted by"},
}

func linkPhrase(t casereview.LinkType, forwards bool) string {
	ph, ok := linkPhrases[t]
	if !ok {
		return label(t)
	}
	if forwards {
		return ph[0]
	}
	return ph[1]
}

// linkViews resolves the other end of each link; ends the caller may not read are left out.
func (h *Handler) linkViews(ctx context.Context, rec casereview.Recommendation) ([]linkView, error) {
	if len(rec.Links) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(rec.Links))
	for _, l := range rec.Links {
		ids = append(ids, otherEnd(l, rec.ID))
	}
	others, err := h.svc.RecommendationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	reviews := map[string]casereview.Review{}
	var out []linkView
	for _, l := range rec.Links {
		o, ok := others[otherEnd(l, rec.ID)]
		if !ok {
			continue
		}
		rv, ok := reviews[o.ReviewID]
		if !ok {
			if rv, err = h.svc.GetReview(ctx, o.ReviewID); err != nil {
				continue
			}
			reviews[o.ReviewID] = rv
		}
		out = append(out, linkView{ID: l.ID, Phrase: linkPhrase(l.Type, l.FromID == rec.ID), Other: o, Review: rv, Note: l.Note, At: l.CreatedAt})
	}
	return out, nil
}

func otherEnd(l casereview.Link, id string) string {
	if l.FromID == id {
		return l.ToID
	}
	return l.FromID
}

// timelineEntry is one item of the MOJ timeline.
type timelineEntry struct {
	Title     string
	Author    string
	Org       string
	At        time.Time
	Old, New  string // status codes, shown as tags; Old empty when nothing changed
	Action    string // the action the entry is about, in a few words
	Narrative string
	Related   *casereview.Recommendation // for links: the other recommendation
}

// timelineEntries turns the recorded history into timeline items, newest first.
func (h *Handler) timelineEntries(ctx context.Context, rec casereview.Recommendation, ps []casereview.ProgressUpdate,
	actions []actionView, orgNames map[string]string) []timelineEntry {
	actionText := map[string]string{}
	for _, a := range actions {
		actionText[a.ID] = firstWords(a.Description, 10)
	}
	// Names of organisations that are no longer addressees (an action's owner may have changed).
	var missing []string
	for _, p := range ps {
		if _, ok := orgNames[p.OrganisationID]; p.OrganisationID != "" && !ok {
			missing = append(missing, p.OrganisationID)
		}
	}
	if len(missing) > 0 {
		if got, err := h.svc.Names(ctx, "organisation", missing); err == nil {
			for k, v := range got {
				orgNames[k] = v
			}
		}
	}
	var related map[string]casereview.Recommendation
	var relatedIDs []string
	for _, p := range ps {
		if p.RelatedID != "" {
			relatedIDs = append(relatedIDs, p.RelatedID)
		}
	}
	if len(relatedIDs) > 0 {
		related, _ = h.svc.RecommendationsByID(ctx, relatedIDs)
	}

	out := make([]timelineEntry, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		e := timelineEntry{Author: p.AuthorName, Org: orgNames[p.OrganisationID], At: p.CreatedAt, New: p.NewStatus,
			Old: p.OldStatus, Action: actionText[p.ActionID], Narrative: p.Narrative}
		if e.Old == e.New {
			e.Old = ""
		}
		switch p.Kind {
		case casereview.ProgressResponse:
			e.Title = "Response recorded"
		case casereview.ProgressAction:
			if e.Old == "" {
				e.Title, e.New = "Progress note", ""
			} else {
				e.Title = "Action status changed"
			}
		case casereview.ProgressEvidence:
			e.Old = ""
			switch casereview.EvidenceStatus(p.NewStatus) {
			case casereview.EvidenceVerified:
				e.Title = "Evidence verified"
			case casereview.EvidenceRejected:
				e.Title = "Evidence rejected"
			case casereview.EvidenceWithdrawn:
				e.Title = "Evidence withdrawn"
			default:
				e.Title = "Evidence added"
			}
		case casereview.ProgressAssessment:
			switch {
			case casereview.OversightStatus(p.NewStatus).IsClosed():
				e.Title = "Closed by oversight"
			case casereview.OversightStatus(p.OldStatus).IsClosed():
				e.Title = "Reopened by oversight"
			default:
				e.Title = "Assessed by oversight"
			}
		case casereview.ProgressLink:
			note, forwards := linkNote(p, rec.ID)
			e.Title = "Linked: " + strings.ToLower(linkPhrase(casereview.LinkType(p.NewStatus), forwards))
			e.New, e.Old, e.Narrative = "", "", note
			if r, ok := related[p.RelatedID]; ok {
				e.Related = &r
			}
		case casereview.ProgressMilestone:
			milestoneEntry(&e, p)
		case casereview.ProgressEscalation:
			e.Title, e.Author = "Escalated to the senior contact and oversight", "The service"
		default:
			e.Title = label(p.Kind)
		}
		out = append(out, e)
	}
	return out
}

// linkNote is the person's note of a link entry, without the record's "<from> <type> <to>."
// prefix of ids (the page names the other recommendation instead), and whether the link reads
// from this recommendation.
func linkNote(p casereview.ProgressUpdate, id string) (note string, forwards bool) {
	if rest, ok := strings.CutPrefix(p.Narrative, fmt.Sprintf("%s %s %s.", id, p.NewStatus, p.RelatedID)); ok {
		return strings.TrimSpace(rest), true
	}
	if rest, ok := strings.CutPrefix(p.Narrative, fmt.Sprintf("%s %s %s.", p.RelatedID, p.NewStatus, id)); ok {
		return strings.TrimSpace(rest), false
	}
	return "", true
}
