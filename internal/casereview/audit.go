package casereview

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	AuditOrganisationMerged     AuditAction = "organisation.merged" // the merged one is gone, its records moved to the survivor
	AuditReviewCreated          AuditAction = "review.created"
	AuditReviewUpdated          AuditAction = "review.updated"
	AuditReviewDeleted          AuditAction = "review.deleted"
	AuditRecommendationCreated  AuditAction = "recommendation.created"
	AuditReportUploaded         AuditAction = "report.uploaded"
	AuditReportConfirmed        AuditAction = "report.confirmed"
	AuditRecommendationUpdated  AuditAction = "recommendation.updated"
	AuditRecommendationDeleted  AuditAction = "recommendation.deleted"
	AuditActionCreated          AuditAction = "action.created"
	AuditActionUpdated          AuditAction = "action.updated"
	AuditActionDeleted          AuditAction = "action.deleted"
	AuditTaxonomySeeded         AuditAction = "taxonomy.seeded"
	AuditThemeCreated           AuditAction = "theme.created"
	AuditThemeUpdated           AuditAction = "theme.updated"
	AuditThemeDeprecated        AuditAction = "theme.deprecated"
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
	AuditMFAReset               AuditAction = "user.mfa_reset" // an admin cleared a user's authenticator and recovery codes
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
	AuditEvidenceWithdrawn      AuditAction = "evidence.withdrawn"
	AuditRecommendationAssessed AuditAction = "recommendation.assessed"
	AuditRecommendationReopened AuditAction = "recommendation.reopened"
	AuditLinkAdded              AuditAction = "link.added"
	AuditLinkRemoved            AuditAction = "link.removed"
	AuditSuggestionAccepted     AuditAction = "theme_suggestion.accepted"
	AuditSuggestionRejected     AuditAction = "theme_suggestion.rejected"
	AuditSummaryExported        AuditAction = "summary.exported"        // a summary or report counting restricted reviews was downloaded
	AuditSummaryRead            AuditAction = "summary.read"            // a JSON summary counting restricted reviews was read
	AuditSummarySaved           AuditAction = "summary.saved"           // an officer saved a thematic summary's definition to run again
	AuditSummaryRenamed         AuditAction = "summary.renamed"         // its owner renamed a saved summary
	AuditSummaryDeleted         AuditAction = "summary.deleted"         // its owner deleted a saved summary
	AuditReportScheduled        AuditAction = "report.scheduled"        // a saved summary was scheduled to run monthly or quarterly
	AuditReportScheduleChanged  AuditAction = "report.schedule_changed" // a schedule was paused or resumed
	AuditReportUnscheduled      AuditAction = "report.unscheduled"      // a schedule (and its stored runs) was deleted
	AuditReportRan              AuditAction = "report.ran"              // a scheduled report ran: documents stored, subscribers told
	AuditSearchRebuildRequested AuditAction = "search.rebuild_requested"
	AuditSubjectCreated         AuditAction = "subject.created" // a review's subject recorded (special category data: the event names the fields, never their values)
	AuditSubjectUpdated         AuditAction = "subject.updated"
	AuditSubjectDeleted         AuditAction = "subject.deleted"
	AuditSubjectRead            AuditAction = "subject.read"         // a person read a review's subjects (not an aggregate)
	AuditBaselineUploaded       AuditAction = "baseline.uploaded"    // an admin uploaded an area's baseline population for a characteristic
	AuditSearchSaved            AuditAction = "saved_search.created" // a person saved a search
	AuditSearchUpdated          AuditAction = "saved_search.updated" // its owner renamed it or turned watching on or off
	AuditSearchDeleted          AuditAction = "saved_search.deleted"
	AuditFollowed               AuditAction = "follow.created" // a person followed a recommendation or review
	AuditUnfollowed             AuditAction = "follow.deleted"
	AuditNotified               AuditAction = "notification.created"     // a reminder or event reached people's notification centres and the outbox
	AuditEscalated              AuditAction = "recommendation.escalated" // overdue past the escalation period: senior contact and oversight told
	AuditNotificationsRead      AuditAction = "notification.read"
	AuditNotificationPrefs      AuditAction = "user.notification_preferences"
	AuditEmailDelivered         AuditAction = "email.delivered"
	AuditEmailFailed            AuditAction = "email.failed"   // the last attempt failed: given up
	AuditEmailWithheld          AuditAction = "email.withheld" // its recipient could no longer read what it was about
	AuditDigestQueued           AuditAction = "notification.digest_queued"
	// AuditChainKeyed marks where the chain starts to be keyed (or changes key): it and every
	// later event are HMACs under the key its after-JSON names (see auditkeys.go).
	AuditChainKeyed AuditAction = "audit.chain_keyed"
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

func (e AuditEvent) canonical() []byte {
	b, _ := json.Marshal(canonical{Seq: e.Seq, OccurredAt: e.OccurredAt.UTC().Format(time.RFC3339Nano),
		ActorUserID: e.ActorUserID, ActorName: e.ActorName, ActorOrganisationID: e.ActorOrganisationID,
		Action: string(e.Action), EntityType: e.EntityType, EntityID: e.EntityID, Before: e.Before, After: e.After,
		RequestID: e.RequestID, ClientIP: e.ClientIP, PrevHash: e.PrevHash})
	return b
}

// ComputeHash returns the SHA-256 of e's canonical encoding, which includes the previous hash:
// the hash of an event written before the chain was keyed.
func (e AuditEvent) ComputeHash() string {
	sum := sha256.Sum256(e.canonical())
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
	KeyedFrom int64  // the first keyed event (its first AuditChainKeyed marker); 0 if never keyed
	KeyID     string // the key the chain ends under
	Anchored  int    // checkpoints the chain was checked against
}

// ChainVerifier checks events in sequence order, one at a time, so a chain of any length is
// verified in constant memory (plus the checkpoints given).
type ChainVerifier struct {
	prevSeq  int64
	prevHash string
	keyID    string
	broken   bool // BrokenAt alone cannot say: a forged first event may be numbered 0
	res      ChainCheck
	keys     *AuditKeyring
	anchors  map[int64]Checkpoint
	last     Checkpoint // the highest checkpoint
}

// UseKeys gives the verifier the keys of the keyed part of the chain; without them a keyed
// chain cannot be checked and is reported as broken at its first marker.
func (v *ChainVerifier) UseKeys(k *AuditKeyring) { v.keys = k }

// UseCheckpoints makes the verifier check the chain against signed checkpoints, after checking
// their signatures. A checkpoint that does not verify is refused, naming its position.
func (v *ChainVerifier) UseCheckpoints(cps []Checkpoint) error {
	v.anchors = map[int64]Checkpoint{}
	var fields []FieldError
	for i, c := range cps {
		if err := v.keys.CheckSignature(c); err != nil {
			fields = append(fields, FieldError{Field: fmt.Sprintf("checkpoints[%d]", i), Code: "invalid", Message: err.Error()})
			continue
		}
		if prev, ok := v.anchors[c.Seq]; ok && (prev.Hash != c.Hash || prev.KeyID != c.KeyID) {
			fields = append(fields, FieldError{Field: fmt.Sprintf("checkpoints[%d]", i), Code: "invalid",
				Message: fmt.Sprintf("two signed checkpoints of event %d disagree: the chain was rewritten between them", c.Seq)})
			continue
		}
		v.anchors[c.Seq] = c
		if c.Seq >= v.last.Seq {
			v.last = c
		}
	}
	if len(fields) > 0 {
		return &Error{Code: CodeInvalid, Message: "some checkpoints are not valid", Fields: fields}
	}
	v.res.Anchored = len(v.anchors)
	return nil
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
	keyID := v.keyID
	if e.Action == AuditChainKeyed {
		var d ChainKeyedDetail
		if err := json.Unmarshal([]byte(e.After), &d); err != nil || d.KeyID == "" {
			return fail("a marker of the keyed chain that names no key: it was changed")
		}
		if d.PreviousKeyID != v.keyID {
			return fail("a marker of the keyed chain that does not follow the key before it: it was changed or inserted")
		}
		keyID = d.KeyID
	}
	if keyID == "" {
		if e.ComputeHash() != e.Hash {
			return fail("its contents do not match its hash: the event was changed")
		}
	} else {
		key, ok := v.keys.ChainKey(keyID)
		if !ok {
			return fail(fmt.Sprintf("the chain is keyed from here with key %s, which this check does not hold "+
				"(verify with the server's CASEREVIEW_SECRET_KEY, and the previous one as CASEREVIEW_SECRET_KEY_OLD after a rotation)", keyID))
		}
		if e.ComputeMAC(key) != e.Hash {
			return fail("its contents do not match its keyed hash: the event was changed, or rewritten by someone without the server key")
		}
		if v.res.KeyedFrom == 0 {
			v.res.KeyedFrom = e.Seq
		}
	}
	if c, ok := v.anchors[e.Seq]; ok && (c.Hash != e.Hash || c.KeyID != keyID) {
		return fail(fmt.Sprintf("it differs from the signed checkpoint of %s: this event or one before it was rewritten",
			c.At.UTC().Format(time.RFC3339)))
	}
	v.prevSeq, v.prevHash, v.keyID = e.Seq, e.Hash, keyID
	v.res.Checked++
	v.res.LastSeq = e.Seq
	return true
}

// Finish compares the end of the chain with the head recorded under the journal lock (an
// event deleted from the end leaves the chain shorter than the head says) and with the latest
// checkpoint (which the database cannot move back).
func (v *ChainVerifier) Finish(headSeq int64, headHash string) ChainCheck {
	r := v.res
	r.HeadHash, r.FinalHash, r.KeyID = headHash, v.prevHash, v.keyID
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
		case v.keys != nil && v.keyID == "":
			// The server keys the chain at every start, so with its key in hand an empty or
			// unkeyed end means the chain was rebuilt by someone who did not hold the key.
			r.BrokenAt = max(v.prevSeq, 1)
			r.Problem = "the chain is empty or ends unkeyed although this server keys every event: it was deleted or rewritten by someone without the server key"
		case v.last.Seq > v.prevSeq:
			r.BrokenAt = v.prevSeq + 1
			r.Problem = fmt.Sprintf("a signed checkpoint of %s records event %d, beyond the end of the chain: events were removed and the head moved back",
				v.last.At.UTC().Format(time.RFC3339), v.last.Seq)
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
	// VerifyAudit checks the chain, and checks it against the signed checkpoints given.
	VerifyAudit(ctx context.Context, checkpoints []Checkpoint) (ChainCheck, error)
	// AuditCheckpoints returns this server's checkpoint file (JSON lines), for admins.
	AuditCheckpoints(ctx context.Context) ([]byte, error)
	// Audit records an event that changes no data, such as an export.
	Audit(ctx context.Context, action AuditAction, typ, id string, detail any) error
}

// AuditActionGroups is the catalogue of actions by what they concern, in the order people look
// for them: the audit trail's filter offers them from here. A test checks that every AuditAction
// declared in this package appears here exactly once.
var AuditActionGroups = []struct {
	Label   string
	Actions []AuditAction
}{
	{"Recommendations and reviews", []AuditAction{AuditReviewCreated, AuditReviewUpdated, AuditReviewDeleted,
		AuditRecommendationCreated, AuditRecommendationUpdated, AuditRecommendationDeleted,
		AuditRecommendationAssessed, AuditRecommendationReopened, AuditLinkAdded, AuditLinkRemoved,
		AuditSuggestionAccepted, AuditSuggestionRejected, AuditReportUploaded, AuditReportConfirmed}},
	{"Tracking", []AuditAction{AuditResponseRecorded, AuditActionCreated, AuditActionUpdated, AuditActionDeleted,
		AuditActionProgressed, AuditMilestoneCreated, AuditMilestoneUpdated, AuditMilestoneCompleted, AuditMilestoneDeleted,
		AuditEvidenceAdded, AuditEvidenceReviewed, AuditEvidenceWithdrawn}},
	{"Reference data", []AuditAction{AuditPartnershipCreated, AuditPartnershipUpdated, AuditPartnershipDeleted,
		AuditOrganisationCreated, AuditOrganisationUpdated, AuditOrganisationDeleted, AuditOrganisationMerged,
		AuditTaxonomySeeded, AuditThemeCreated, AuditThemeUpdated, AuditThemeDeprecated}},
	{"People and access", []AuditAction{AuditUserCreated, AuditUserUpdated, AuditUserDisabled, AuditUserEnabled,
		AuditPasswordChanged, AuditPasswordReset, AuditMembershipAdded, AuditMembershipRemoved,
		AuditMFAEnrolled, AuditMFAReset, AuditRecoveryCodeUsed, AuditTokenCreated, AuditTokenRevoked}},
	{"Signing in", []AuditAction{AuditLogin, AuditLoginFailed, AuditLoginLocked, AuditMFAPassed, AuditMFAFailed, AuditLogout}},
	{"Data in and out", []AuditAction{AuditExport, AuditImported, AuditImportRequested, AuditSummaryExported, AuditSummaryRead, AuditSummarySaved, AuditSummaryRenamed, AuditSummaryDeleted,
		AuditReportScheduled, AuditReportScheduleChanged, AuditReportUnscheduled, AuditReportRan}},
	{"Equality monitoring", []AuditAction{AuditSubjectCreated, AuditSubjectUpdated, AuditSubjectDeleted, AuditSubjectRead, AuditBaselineUploaded}},
	{"Notifications", []AuditAction{AuditNotified, AuditEscalated, AuditNotificationsRead, AuditNotificationPrefs,
		AuditDigestQueued, AuditEmailDelivered, AuditEmailFailed, AuditEmailWithheld,
		AuditSearchSaved, AuditSearchUpdated, AuditSearchDeleted, AuditFollowed, AuditUnfollowed}},
	{"The service", []AuditAction{AuditSearchRebuildRequested, AuditChainKeyed}},
}

// KnownAuditAction reports whether a is in the catalogue.
func KnownAuditAction(a AuditAction) bool {
	for _, g := range AuditActionGroups {
		for _, x := range g.Actions {
			if x == a {
				return true
			}
		}
	}
	return false
}
