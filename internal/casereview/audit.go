package casereview

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// AuditAction names what happened. The catalogue is closed: every write path uses one of these.
type AuditAction string

const (
	AuditPartnershipCreated     AuditAction = "partnership.created"
	AuditPartnershipUpdated     AuditAction = "partnership.updated"
	AuditPartnershipDeleted     AuditAction = "partnership.deleted"
	AuditOrganisationCreated    AuditAction = "organisation.created"
	AuditOrganisationUpdated    AuditAction = "organisation.updated"
	AuditOrganisationDeleted    AuditAction = "organisation.deleted"
	AuditReviewCreated          AuditAction = "review.created"
	AuditReviewUpdated          AuditAction = "review.updated"
	AuditReviewDeleted          AuditAction = "review.deleted"
	AuditRecommendationCreated  AuditAction = "recommendation.created"
	AuditRecommendationUpdated  AuditAction = "recommendation.updated"
	AuditRecommendationDeleted  AuditAction = "recommendation.deleted"
	AuditActionCreated          AuditAction = "action.created"
	AuditActionUpdated          AuditAction = "action.updated"
	AuditActionDeleted          AuditAction = "action.deleted"
	AuditTaxonomySeeded         AuditAction = "taxonomy.seeded"
	AuditUserCreated            AuditAction = "user.created"
	AuditUserUpdated            AuditAction = "user.updated"
	AuditUserDisabled           AuditAction = "user.disabled"
	AuditUserEnabled            AuditAction = "user.enabled"
	AuditPasswordChanged        AuditAction = "user.password_changed"
	AuditPasswordReset          AuditAction = "user.password_reset"
	AuditMembershipAdded        AuditAction = "membership.added"
	AuditMembershipRemoved      AuditAction = "membership.removed"
	AuditLogin                  AuditAction = "session.login"
	AuditLoginFailed            AuditAction = "session.login_failed"
	AuditLoginLocked            AuditAction = "session.locked_out"
	AuditMFAPassed              AuditAction = "session.mfa_passed"
	AuditMFAFailed              AuditAction = "session.mfa_failed"
	AuditLogout                 AuditAction = "session.logout"
	AuditMFAEnrolled            AuditAction = "user.mfa_enrolled"
	AuditRecoveryCodeUsed       AuditAction = "user.recovery_code_used"
	AuditTokenCreated           AuditAction = "token.created"
	AuditTokenRevoked           AuditAction = "token.revoked"
	AuditExport                 AuditAction = "data.exported"
	AuditImported               AuditAction = "data.imported"
	AuditImportRequested        AuditAction = "import.requested"
	AuditResponseRecorded       AuditAction = "response.recorded"
	AuditActionProgressed       AuditAction = "action.progressed"
	AuditEvidenceAdded          AuditAction = "evidence.added"
	AuditEvidenceReviewed       AuditAction = "evidence.reviewed"
	AuditRecommendationAssessed AuditAction = "recommendation.assessed"
	AuditRecommendationReopened AuditAction = "recommendation.reopened"
	AuditLinkAdded              AuditAction = "link.added"
	AuditLinkRemoved            AuditAction = "link.removed"
	AuditSuggestionAccepted     AuditAction = "theme_suggestion.accepted"
	AuditSuggestionRejected     AuditAction = "theme_suggestion.rejected"
	AuditSummaryExported        AuditAction = "summary.exported" // a summary or report counting restricted reviews was downloaded
)

// AuditEvent is one link of the tamper-evident audit chain.
type AuditEvent struct {
	Seq                 int64
	OccurredAt          time.Time // UTC, truncated to microseconds (what both databases keep)
	ActorUserID         string
	ActorName           string
	ActorOrganisationID string
	Action              AuditAction
	EntityType          string
	EntityID            string
	Before              string // JSON, or empty
	After               string // JSON, or empty
	RequestID           string
	ClientIP            string
	PrevHash            string
	Hash                string
}

// canonical is the fixed-order encoding the hash covers. Before and After are hashed as the
// exact text stored, never re-encoded, so the hash is stable across databases.
type canonical struct {
	Seq                 int64  `json:"seq"`
	OccurredAt          string `json:"occurred_at"`
	ActorUserID         string `json:"actor_user_id"`
	ActorName           string `json:"actor_name"`
	ActorOrganisationID string `json:"actor_organisation_id"`
	Action              string `json:"action"`
	EntityType          string `json:"entity_type"`
	EntityID            string `json:"entity_id"`
	Before              string `json:"before"`
	After               string `json:"after"`
	RequestID           string `json:"request_id"`
	ClientIP            string `json:"client_ip"`
	PrevHash            string `json:"prev_hash"`
}

// ComputeHash returns the SHA-256 of e's canonical encoding, which includes the previous hash.
func (e AuditEvent) ComputeHash() string {
	b, _ := json.Marshal(canonical{Seq: e.Seq, OccurredAt: e.OccurredAt.UTC().Format(time.RFC3339Nano),
		ActorUserID: e.ActorUserID, ActorName: e.ActorName, ActorOrganisationID: e.ActorOrganisationID,
		Action: string(e.Action), EntityType: e.EntityType, EntityID: e.EntityID, Before: e.Before, After: e.After,
		RequestID: e.RequestID, ClientIP: e.ClientIP, PrevHash: e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChainCheck is the result of verifying the chain.
type ChainCheck struct {
	OK        bool
	Checked   int64
	BrokenAt  int64  // the sequence number of the first bad event; 0 when OK
	Problem   string // what is wrong there
	FirstSeq  int64
	LastSeq   int64
	HeadHash  string // the hash the chain should end with (kept under the journal lock)
	FinalHash string // the hash it does end with
}

// ChainVerifier checks events in sequence order, one at a time, so a chain of any length is
// verified in constant memory.
type ChainVerifier struct {
	prevSeq  int64
	prevHash string
	broken   bool // BrokenAt alone cannot say: a forged first event may be numbered 0
	res      ChainCheck
}

// Next checks e against the previous event and reports false at the first broken link.
func (v *ChainVerifier) Next(e AuditEvent) bool {
	if v.broken {
		return false // keep the first broken link
	}
	fail := func(problem string) bool {
		v.broken = true
		v.res.BrokenAt, v.res.Problem = e.Seq, problem
		return false
	}
	if v.res.Checked == 0 {
		v.res.FirstSeq = e.Seq
		if e.Seq != 1 {
			return fail("the chain does not start at 1: earlier events are missing")
		}
	} else if e.Seq != v.prevSeq+1 {
		return fail("events are missing before this one")
	}
	if e.PrevHash != v.prevHash {
		return fail("its link to the previous event does not match: an event before it was changed, removed or reordered")
	}
	if e.ComputeHash() != e.Hash {
		return fail("its contents do not match its hash: the event was changed")
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.res.Checked++
	v.res.LastSeq = e.Seq
	return true
}

// Finish compares the end of the chain with the head recorded under the journal lock: an
// event deleted from the end leaves the chain shorter than the head says.
func (v *ChainVerifier) Finish(headSeq int64, headHash string) ChainCheck {
	r := v.res
	r.HeadHash, r.FinalHash = headHash, v.prevHash
	if !v.broken {
		switch {
		case v.prevSeq < headSeq:
			r.BrokenAt = v.prevSeq + 1
			r.Problem = "the chain ends before the recorded head: the latest events were removed or the head was altered"
		case v.prevSeq > headSeq:
			r.BrokenAt = headSeq + 1
			r.Problem = "the chain runs past the recorded head: events were added behind the application's back or the head was altered"
		case v.prevHash != headHash:
			r.BrokenAt = max(v.prevSeq, 1)
			r.Problem = "the last event does not match the recorded head: it was changed and re-hashed, or the head was altered"
		}
	}
	r.OK = !v.broken && r.BrokenAt == 0
	return r
}

// AuditFilter selects audit events.
type AuditFilter struct {
	ActorUserID    string
	OrganisationID string
	EntityType     string
	EntityID       string
	Action         string
	From, To       *time.Time
}

// AuditPage is a page of events, newest first, with a cursor on the sequence number.
type AuditPage struct {
	Items  []AuditEvent
	Total  int64
	Before int64 // pass as the next request's cursor; 0 on the last page
}

// AuditService reads and verifies the audit trail.
type AuditService interface {
	ListAudit(ctx context.Context, f AuditFilter, limit int, before int64) (AuditPage, error)
	VerifyAudit(ctx context.Context) (ChainCheck, error)
}
