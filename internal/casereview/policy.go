package casereview

// Who may do what. These functions are the single statement of the access rules (DESIGN §1, §7);
// the store calls them inside its transactions and turns ReadScope into SQL, so lists, totals
// and single reads agree. A record the caller may not read is reported as not found, never as
// forbidden, so ids leak nothing.

// ReviewRef is what the rules need to know about a review.
type ReviewRef struct {
	PartnershipID string
	Visibility    Visibility
	// Addressees are the organisations a recommendation is addressed to, when the ref was
	// loaded for a recommendation (or anything beneath one); empty for a review itself.
	Addressees []string
}

// CanReadReview: public reviews are open to all, shared ones to every signed-in user, restricted
// ones to the owning partnership's panel, oversight, admins and the system, and to the
// partnership's viewers only where the partnership lets them (Actor.Partnerships).
func CanReadReview(a Actor, r ReviewRef) bool {
	switch r.Visibility {
	case VisibilityPublic:
		return true
	case VisibilityShared:
		return a.SignedIn()
	}
	if a.IsSystem() || a.IsAdmin() || a.IsOversight() {
		return true
	}
	for _, p := range a.Partnerships() {
		if p == r.PartnershipID {
			return true
		}
	}
	return false
}

// CanReadRecommendation: whoever reads the review reads its recommendations; and an agency
// addressed by a recommendation of a restricted review reads that recommendation (and what lies
// beneath it: its actions, responses, evidence and timeline) so that it can answer, though
// nothing else of the review (issue 13 §10). Agency editors of an addressee, that is: the
// organisation's viewers read what is shared, as before.
func CanReadRecommendation(a Actor, r ReviewRef) bool {
	if CanReadReview(a, r) {
		return true
	}
	if r.Visibility != VisibilityRestricted || !a.SignedIn() {
		return false
	}
	for _, o := range r.Addressees {
		if a.EditorOf(o) {
			return true
		}
	}
	return false
}

// ReadScope is CanReadRecommendation as a filter: All, or the visibilities open to the actor plus the
// partnerships whose restricted reviews it may also read.
type ReadScope struct {
	All          bool
	Visibilities []Visibility
	Partnerships []string
	// Organisations: restricted recommendations addressed to one of these are readable too (the
	// addressee must be able to answer), though nothing else of their review is.
	Organisations []string
}

// ScopeOf returns the read scope of a.
func ScopeOf(a Actor) ReadScope {
	switch {
	case a.IsSystem() || a.IsAdmin() || a.IsOversight():
		return ReadScope{All: true}
	case a.SignedIn():
		return ReadScope{Visibilities: []Visibility{VisibilityPublic, VisibilityShared}, Partnerships: a.Partnerships(),
			Organisations: a.EditorOrganisations()}
	}
	return ReadScope{Visibilities: []Visibility{VisibilityPublic}}
}

// Unreadable is what the database says, at the moment of a search, that a caller may not read:
// the restricted reviews outside its read scope and, on them, the recommendations it may read all
// the same. The search index applies it on top of ReadScope, so an index out of step with the
// database (a visibility changed behind the application's back, a lag) never counts in totals
// or facets what the caller may not read. Empty for a caller who reads everything.
type Unreadable struct {
	Reviews []string // reviews none of whose recommendations the caller may read, but for Except
	Except  []string // recommendations on those reviews the caller may read nevertheless
}

// CanManageReview: the panel of the owning partnership writes a review, its recommendations,
// their addressees and their themes. Admins do not: they run the system, not the casework.
func CanManageReview(a Actor, partnershipID string) bool {
	return a.IsSystem() || a.PanelOf(partnershipID)
}

// CanWriteAction: an action belongs to the organisation that owns it, so its agency editors
// write it; the panel of the review's partnership may record the action plan too.
func CanWriteAction(a Actor, partnershipID, organisationID string) bool {
	return a.IsSystem() || a.EditorOf(organisationID) || a.PanelOf(partnershipID)
}

// CanNoteAction: notes on an action (progress without a change of status) come from whoever
// may write it, and from oversight, who record what they found when checking.
func CanNoteAction(a Actor, partnershipID, organisationID string) bool {
	return CanWriteAction(a, partnershipID, organisationID) || a.IsOversight()
}

// CanManagePartnerships: admins only.
func CanManagePartnerships(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanCreateOrganisation: admins, and panel members, who meet new addressees while recording a
// review's recommendations.
func CanCreateOrganisation(a Actor) bool { return a.IsSystem() || a.IsAdmin() || a.HasRole(RolePanel) }

// CanManageOrganisations: renaming, re-parenting and deleting organisations is for admins.
func CanManageOrganisations(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanManageUsers: admins only.
func CanManageUsers(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanReadAudit: oversight and admins.
func CanReadAudit(a Actor) bool { return a.IsSystem() || a.IsAdmin() || a.IsOversight() }

// CanDownloadCheckpoints: admins (and the system). The checkpoints of the audit chain are
// what an insider with the database would want to know to time a rewrite; only admins, who
// hand them to whoever checks the chain, download them.
func CanDownloadCheckpoints(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanRebuildSearch: admins (and the system) ask a running server to rebuild its search index:
// they run the system, and a rebuild costs the server work without changing any record.
func CanRebuildSearch(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanManageTaxonomy: admins (and the system) add themes, change their keywords and deprecate
// them (DESIGN §1).
func CanManageTaxonomy(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// CanOversee: oversight officers (and the system) verify or reject evidence and classify,
// close and reopen recommendations (DESIGN §4). Admins do not: they run the system.
func CanOversee(a Actor) bool { return a.IsSystem() || a.IsOversight() }

// CanStartImport: panel members import reviews (each review is then checked against
// CanImportInto for its partnership).
func CanStartImport(a Actor) bool { return a.IsSystem() || a.HasRole(RolePanel) }

// CanReadImportJob: an import's report is its starter's, and oversight's and admins', who
// answer for the data; anyone else is told it does not exist.
func CanReadImportJob(a Actor, createdBy string) bool {
	return a.IsSystem() || a.IsAdmin() || a.IsOversight() || (a.UserID != "" && createdBy == a.UserID)
}

// CanUpdateImportJob: a job's progress and end are recorded only by its own runner, which acts
// as the user who started it (the system for a job the system started); nobody else, admins
// included, may rewrite what an import reports. Others are told the job does not exist.
func CanUpdateImportJob(a Actor, createdBy string) bool { return a.SignedIn() && createdBy == a.UserID }

// CanSeeAllWork: oversight and admins (and the system) have the whole service's work list;
// others see the work of their organisations and partnerships.
func CanSeeAllWork(a Actor) bool { return a.IsSystem() || a.IsAdmin() || a.IsOversight() }

// Forbidden is the error for an act the caller may not do on a record it can see.
func Forbidden(msg string) *Error { return &Error{Code: CodeForbidden, Message: msg} }

// Unauthenticated is the error for an act that needs a signed-in caller.
func Unauthenticated() *Error {
	return &Error{Code: CodeUnauthenticated, Message: "sign in, or send an API token as Authorization: Bearer …"}
}

// Deny returns the error for a refused write: 401 for an anonymous caller, 403 otherwise.
func Deny(a Actor, msg string) *Error {
	if !a.SignedIn() {
		return Unauthenticated()
	}
	return Forbidden(msg)
}

// CanUseDashboard: oversight officers and admins, who report on everything they read, and
// partnership panel members, for their own partnerships (the reporting pages, issue 12). The
// summaries themselves are open to everyone and count only what the caller may read; the
// pages are for those who report on many organisations, not for agency editors or viewers.
func CanUseDashboard(a Actor) bool {
	return a.IsSystem() || a.IsAdmin() || a.IsOversight() || a.HasRole(RolePanel)
}
