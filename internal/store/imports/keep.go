package imports

import (
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// What an import's source does not carry is left as recorded (casereview.Uncarried): before an
// existing record is compared with the bundle, the bundle takes the recorded value of every
// field its source does not hold, and the recorded text where the source's text differs from
// it only as a spreadsheet cell does (surrounding white space, line endings).

// keepRecommendation fills d from the recorded recommendation.
func keepRecommendation(u casereview.Uncarried, old store.RecommendationRow, d *casereview.RecommendationDraft) {
	if u.RecommendationTitle || u.CellText && casereview.SameCellText(d.Title, old.Title) {
		d.Title = old.Title
	}
	if u.InterventionType {
		d.InterventionType = old.InterventionType
	}
	if u.Scope {
		d.Scope = casereview.Scope(old.Scope)
	}
	if u.CellText && casereview.SameCellText(d.Text, old.Text) {
		d.Text = old.Text
	}
}

// keepAddressee fills want from the recorded addressee h of the same organisation.
func keepAddressee(u casereview.Uncarried, h store.AddresseeRow, want *store.AddresseeRow) {
	if u.AddresseeRole {
		want.Role = h.Role
	}
	if u.AddresseeDates {
		want.NotifiedOn, want.AcknowledgedOn = h.NotifiedOn, h.AcknowledgedOn
	}
	if u.CellText && casereview.SameCellText(want.RawText, h.RawText) {
		want.RawText = h.RawText
	}
}

// keepAction fills a from the recorded action it was matched to.
func keepAction(u casereview.Uncarried, old store.ActionRow, a *casereview.ActionDraft) {
	if u.ActionOwner || u.CellText && casereview.SameCellText(a.Owner, old.Owner) {
		a.Owner = old.Owner
	}
	if u.ActionTargetDate {
		a.TargetDate = old.TargetDate.Ptr()
	}
	if u.ActionCompletionDate && a.CompletionDate == nil {
		a.CompletionDate = old.CompletionDate.Ptr()
	}
	if u.CellText && casereview.SameCellText(a.Description, old.Description) {
		a.Description = old.Description
	}
	if u.CellText && a.Outcome != nil && old.Outcome != nil && casereview.SameCellText(*a.Outcome, *old.Outcome) {
		a.Outcome = old.Outcome
	}
}

// sameDescription is how an import matches a bundle's action to a recorded one.
func sameDescription(u casereview.Uncarried, recorded, source string) bool {
	if u.CellText {
		return casereview.SameCellText(recorded, source)
	}
	return recorded == source
}
