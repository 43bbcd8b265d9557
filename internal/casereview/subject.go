package casereview

import (
	"context"
	"time"
)

// Subjects (issue 15 §2): the people at the centre of a review, recorded without names for
// equality monitoring: their role and the protected characteristics that oversight monitors for
// disproportionality. These are special category data (UK GDPR art. 9): only oversight and the
// owning partnership's panel read them (CanReadSubjects), every read of an individual subject
// is audited, and they never enter the search index. Every characteristic is optional: an
// unrecorded one is NotRecorded, said explicitly, never left blank.

// NotRecorded is the value of a characteristic nobody recorded.
const NotRecorded = "not_recorded"

// SubjectRole is who the subject is in the review.
type SubjectRole string

const (
	SubjectVictim      SubjectRole = "victim"
	SubjectPerpetrator SubjectRole = "perpetrator" // or alleged perpetrator
	SubjectChild       SubjectRole = "child"
	SubjectAdultAtRisk SubjectRole = "adult_at_risk"
)

var SubjectRoles = []SubjectRole{SubjectVictim, SubjectPerpetrator, SubjectChild, SubjectAdultAtRisk}

// Central reports whether a subject in role r is a person at the centre of the review (the
// victim, the child, the adult at risk): the equality breakdowns count these, not perpetrators.
func (r SubjectRole) Central() bool { return r != SubjectPerpetrator }

// Subject is one pseudonymised subject of a review.
type Subject struct {
	ID       string
	ReviewID string
	Role     SubjectRole
	// Traits maps each Characteristic to its value (a key of Characteristic.Groups), NotRecorded
	// when nobody recorded it. Derived characteristics are not stored here.
	Traits    map[Characteristic]string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SubjectDraft is what a panel member records.
type SubjectDraft struct {
	Role   SubjectRole
	Traits map[Characteristic]string
}

// Validate checks the role and every trait against its list; a missing or empty trait becomes
// NotRecorded, and a trait not recorded by hand is never guessed.
func (d *SubjectDraft) Validate() error {
	var p Problems
	CheckEnum(&p, "role", d.Role, SubjectRoles)
	if d.Traits == nil {
		d.Traits = map[Characteristic]string{}
	}
	for k := range d.Traits {
		if c, ok := CharacteristicByKey(string(k)); !ok || c.Derived {
			p.Add(string(k), FieldUnknownValue, "%q is not a recorded characteristic", k)
		}
	}
	for _, c := range RecordedCharacteristics() {
		v := d.Traits[c.Key]
		if v == "" {
			d.Traits[c.Key] = NotRecorded
			continue
		}
		if !c.Has(v) {
			p.Add(string(c.Key), FieldUnknownValue, "%q is not one of the values of %s", v, c.Key)
		}
	}
	return p.Err()
}

// Draft returns s as a draft, to change and save again.
func (s Subject) Draft() SubjectDraft {
	t := map[Characteristic]string{}
	for k, v := range s.Traits {
		t[k] = v
	}
	return SubjectDraft{Role: s.Role, Traits: t}
}

// Trait is s's value of c, derived characteristics included.
func (s Subject) Trait(c Characteristic) string {
	if ch, ok := CharacteristicByKey(string(c)); ok && ch.Derived {
		return ch.DeriveFrom(s.Traits[ch.From])
	}
	if v := s.Traits[c]; v != "" {
		return v
	}
	return NotRecorded
}

// CanReadSubjects: oversight and the panel of the review's partnership (and the system). Not
// admins, who run the system rather than the casework, not agency editors, not viewers.
func CanReadSubjects(a Actor, partnershipID string) bool {
	return a.IsSystem() || a.IsOversight() || a.PanelOf(partnershipID)
}

// CanWriteSubjects: the panel of the review's partnership, who record the review.
func CanWriteSubjects(a Actor, partnershipID string) bool { return CanManageReview(a, partnershipID) }

// CanUseEquality: the equality breakdowns (aggregates only, never an individual subject) are for
// oversight and admins over every area, and for panel members over their own partnerships
// (EqualityScope narrows their filters).
func CanUseEquality(a Actor) bool {
	return a.IsSystem() || a.IsAdmin() || a.IsOversight() || len(a.PanelPartnerships()) > 0
}

// EqualityScope checks that a may see equality breakdowns under f and narrows f for a panel
// member to their own partnerships: without a partnership filter, to all of them; a filter
// naming another partnership is refused.
func EqualityScope(a Actor, f *SummaryFilter) error {
	if !CanUseEquality(a) {
		return Deny(a, "only oversight officers, admins and partnership panels see figures by protected characteristic")
	}
	if a.IsSystem() || a.IsAdmin() || a.IsOversight() {
		return nil
	}
	own := a.PanelPartnerships()
	if len(f.Partnerships) == 0 {
		f.Partnerships = own
		return nil
	}
	for _, p := range f.Partnerships {
		if !a.PanelOf(p) {
			return Forbidden("a panel member sees figures by protected characteristic for their own partnerships only")
		}
	}
	return nil
}

// SubjectService records and reads subjects. Every read of subjects is audited.
type SubjectService interface {
	// ListSubjects returns the subjects of a review (audited as subject.read).
	ListSubjects(ctx context.Context, reviewID string) ([]Subject, error)
	// GetSubject returns one subject of a review (audited as subject.read).
	GetSubject(ctx context.Context, reviewID, id string) (Subject, error)
	CreateSubject(ctx context.Context, reviewID string, d SubjectDraft) (Subject, error)
	UpdateSubject(ctx context.Context, reviewID, id string, version int, d SubjectDraft) (Subject, error)
	DeleteSubject(ctx context.Context, reviewID, id string, version int) error
}

// SubjectAudit is what the audit trail keeps of a subject: who it is in which review and which
// characteristics were recorded or changed, never their values. The audit trail is read by
// admins, who may not read subjects.
type SubjectAudit struct {
	ID       string
	ReviewID string
	Role     SubjectRole
	Version  int
	Recorded []string `json:",omitempty"` // characteristics with a value other than not recorded
	Changed  []string `json:",omitempty"` // characteristics whose value changed (updates)
}

// AuditOf is s as the audit trail keeps it; before, when given, names the changes.
func (s Subject) AuditOf(before *Subject) SubjectAudit {
	out := SubjectAudit{ID: s.ID, ReviewID: s.ReviewID, Role: s.Role, Version: s.Version}
	for _, c := range RecordedCharacteristics() {
		if s.Trait(c.Key) != NotRecorded {
			out.Recorded = append(out.Recorded, string(c.Key))
		}
		if before != nil && before.Trait(c.Key) != s.Trait(c.Key) {
			out.Changed = append(out.Changed, string(c.Key))
		}
	}
	if before != nil && before.Role != s.Role {
		out.Changed = append(out.Changed, "role")
	}
	return out
}
