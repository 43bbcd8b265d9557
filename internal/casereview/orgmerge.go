package casereview

import "context"

// Merging duplicate organisations (issue 14 item 6). Reports name agencies loosely, so the same
// agency is sometimes recorded twice ("Eastmere Hospitals NHS Trust" and "Eastmere Hospitals NHS
// Foundation Trust"). A merge moves everything that names the duplicate to the survivor: its
// addressees (with their responses and actions), its members, its aliases and its child
// organisations; the duplicate's name becomes an alias of the survivor, and its id keeps
// answering with the survivor's. The suggestions that help an admin find duplicates are in
// orgdups.go.

// CanMergeOrganisations: merging rewrites other records' addressees, so it is for admins (and the
// system, for the command line) only.
func CanMergeOrganisations(a Actor) bool { return a.IsSystem() || a.IsAdmin() }

// OrganisationMerge is what one merge did: the survivor as it now is, and how many rows of each
// kind moved from the merged organisation to it.
type OrganisationMerge struct {
	Survivor   Organisation
	MergedID   string
	MergedName string
	// Addressees moved to the survivor; Combined of them were addressed to both, and were
	// folded into the survivor's own addressee (its role the stronger of the two).
	Addressees int
	Combined   int
	Actions    int
	Responses  int
	// Memberships moved (a user who was an editor of both keeps one membership).
	Memberships int
	// Aliases the survivor gained: the merged name and the merged organisation's aliases,
	// less those it already had.
	Aliases int
	// Children: organisations whose parent was the merged one.
	Children int
	// Recommendations whose addressees changed (their search documents were re-indexed).
	Recommendations int
}

// OrganisationMergeService merges duplicates and suggests them.
type OrganisationMergeService interface {
	MergeOrganisations(ctx context.Context, survivorID, mergedID string, survivorVersion, mergedVersion int) (OrganisationMerge, error)
	OrganisationDuplicates(ctx context.Context) ([]DuplicateSuggestion, error)
	OrganisationRedirect(ctx context.Context, id string) (string, bool, error)
}

// StrongerRole is the role an addressee keeps when two organisations addressed by one
// recommendation become one: lead over supporting over for information.
func StrongerRole(a, b AddresseeRole) AddresseeRole {
	rank := map[AddresseeRole]int{RoleLead: 3, RoleSupporting: 2, RoleForInformation: 1}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
