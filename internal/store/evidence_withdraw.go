package store

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// WithdrawEvidence withdraws an item of evidence its uploader added by mistake, before oversight
// reviewed it (casereview.CheckWithdrawal says who and when). The row and its file stay, for the
// audit trail; from now on no list, count, claim or download sees it. The timeline records who
// withdrew what, when and why, and the audit event carries the item before and after.
func (s *Store) WithdrawEvidence(ctx context.Context, id, reason string) error {
	return s.inTx(ctx, func(t *tx) error {
		row, ref, err := evidenceReadable(ctx, t.db, id)
		if err != nil {
			return err
		}
		// The recommendation's lock orders this against a closure, a claim (which counts the
		// evidence under the same lock) and further evidence; then read the item afresh.
		var rec recommendationRow
		if err := t.db.Clauses(lockingClause).Select("id, oversight_status, closed_on").Where("id = ?", row.RecommendationID).Take(&rec).Error; err != nil {
			return notFoundAs(err, "recommendation")
		}
		if err := t.db.Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return notFoundAs(err, "evidence")
		}
		var act actionRow
		if err := t.db.Select("id, organisation_id, implementation_status").Where("id = ?", row.ActionID).Take(&act).Error; err != nil {
			return notFoundAs(err, "action")
		}
		var others int64
		if err := t.db.Table("evidence").Where("action_id = ? AND id <> ? AND status <> ?", act.ID, row.ID, casereview.EvidenceRejected).
			Where(notWithdrawn).Count(&others).Error; err != nil {
			return err
		}
		a := actorOf(ctx)
		if err := casereview.CheckWithdrawal(a, casereview.EvidenceWithdrawal{Evidence: row.domain(), PartnershipID: ref.PartnershipID,
			OrganisationID: act.OrganisationID, Classification: casereview.OversightStatus(rec.OversightStatus), ClosedOn: rec.ClosedOn.ptr(),
			Claimed: act.ImplementationStatus == string(casereview.ImplPending), OtherEvidence: int(others), Reason: reason}); err != nil {
			return err
		}
		before := row.domain()
		row.WithdrawnAt, row.WithdrawnByID, row.WithdrawnByName, row.WithdrawalReason = &t.now, optional(a.UserID), &a.Name, &reason
		res := t.db.Model(&evidenceRow{}).Where("id = ? AND status = ?", row.ID, casereview.EvidencePending).Where(notWithdrawn).Updates(map[string]any{
			"withdrawn_at": t.now, "withdrawn_by_id": row.WithdrawnByID, "withdrawn_by_name": a.Name, "withdrawal_reason": reason})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.Conflict("the evidence was reviewed or withdrawn a moment ago")
		}
		what := "Evidence withdrawn: " + row.Title
		if row.Filename != nil {
			what += " (" + *row.Filename + ")"
		}
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: row.RecommendationID, ActionID: row.ActionID, EvidenceID: row.ID,
			Kind: casereview.ProgressEvidence, OldStatus: row.Status, NewStatus: string(casereview.EvidenceWithdrawn),
			OrganisationID: act.OrganisationID, Narrative: joinNonEmpty(what, "Reason: "+reason)}); err != nil {
			return err
		}
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditEvidenceWithdrawn, "evidence", row.ID, before, row.domain())
		return nil
	})
}
