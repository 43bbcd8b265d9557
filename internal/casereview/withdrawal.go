package casereview

import "fmt"

// Withdrawing evidence (issue 13 item 10): evidence uploaded by mistake (the wrong file, a
// document that names the people in the review) can be withdrawn by the person who uploaded it
// before oversight has looked at it. A withdrawn item stays in the database and in the audit
// trail, and the timeline says who withdrew it, when and why; everywhere else it is gone: no
// list shows it, no claim counts it, nobody downloads it.

// MaxWithdrawalReason is the longest reason accepted for withdrawing evidence: a sentence or
// two, not a document.
const MaxWithdrawalReason = 500

// EvidenceWithdrawal is what the rule needs to know about a request to withdraw an item of
// evidence, read under the recommendation's lock.
type EvidenceWithdrawal struct {
	Evidence       Evidence
	PartnershipID  string          // the partnership of the review
	OrganisationID string          // the organisation that owns the action the evidence supports
	Classification OversightStatus // the recommendation's oversight classification
	ClosedOn       *Date
	// Claimed: the action is claimed implemented and waits for oversight's verification.
	Claimed bool
	// OtherEvidence counts the action's other evidence that is neither rejected nor withdrawn.
	OtherEvidence int
	Reason        string
}

// CanWithdrawEvidence says whether a may withdraw the evidence now, leaving the reason aside
// (CheckWithdrawal adds it): nil when it may.
//
//   - Only the person who uploaded it (403 for anyone else), and only while they may still add
//     evidence to the action (an editor who has left the organisation no longer may). Not
//     admins: they run the system, not the casework, and add no evidence either; nor oversight,
//     which rejects evidence, with a note, instead. Not the system: withdrawal is a person
//     correcting their own mistake.
//   - Never on a closed recommendation: its record is settled (CheckOpen, 409).
//   - Only while the evidence awaits review: once oversight has verified or rejected it, that
//     judgement is part of the record (409), and evidence already withdrawn stays so (409).
//   - Not the last evidence of a claim awaiting verification (409): the claim would rest on
//     nothing, and the owner cannot take a claim back (only oversight sends it back). Adding
//     the right evidence first, then withdrawing the wrong one, keeps the claim verifiable.
func CanWithdrawEvidence(a Actor, w EvidenceWithdrawal) error {
	e := w.Evidence
	if a.IsSystem() || a.UserID == "" || a.UserID != e.SubmittedByID || !CanWriteAction(a, w.PartnershipID, w.OrganisationID) {
		return Deny(a, "only the person who uploaded evidence withdraws it, while they still act for the organisation that owns the action")
	}
	if err := CheckOpen(w.Classification, w.ClosedOn); err != nil {
		return err
	}
	if e.WithdrawnAt != nil {
		return Conflict(fmt.Sprintf("the evidence was already withdrawn on %s", DateOf(*e.WithdrawnAt)),
			FieldError{Field: "status", Code: "withdrawn", Message: "the evidence was already withdrawn"})
	}
	if e.Status != EvidencePending {
		msg := fmt.Sprintf("the evidence has already been %s by oversight, so it is part of the record: only evidence awaiting review can be withdrawn", e.Status)
		return Conflict(msg, FieldError{Field: "status", Code: "reviewed", Message: msg})
	}
	if w.Claimed && w.OtherEvidence == 0 {
		msg := "the action is claimed implemented and this is the only evidence the claim rests on: add the evidence that should replace it first, then withdraw this"
		return Conflict(msg, FieldError{Field: "evidence", Code: "claim_rests_on_it", Message: msg})
	}
	return nil
}

// CheckWithdrawal is CanWithdrawEvidence with the reason, which is required (and short).
func CheckWithdrawal(a Actor, w EvidenceWithdrawal) error {
	if err := CanWithdrawEvidence(a, w); err != nil {
		return err
	}
	var p Problems
	CheckText(&p, "reason", w.Reason, true, MaxWithdrawalReason)
	return p.Err()
}
