package casereview

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Saved searches and follows (issue 18 §3). A signed-in person keeps a search under a name, runs
// it again, and may watch it: the scheduler then tells them when new or changed recommendations
// match it, under their permissions at the time. They may also follow one recommendation or
// review and be told of its changes. Only the owner sees their saved searches and follows.

// SavedSearch is a search kept by the person who made it.
type SavedSearch struct {
	ID      string
	OwnerID string
	Name    string
	// Query is the search as the query string of GET /api/v1/search (and of /search): q, the
	// filters, flag and sort, in a canonical order; never a cursor or a page size.
	Query     string
	Watch     bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SavedSearchChange is a change to a saved search; nil fields are left as they are.
type SavedSearchChange struct {
	Name  *string
	Watch *bool
}

// SavedSearchService keeps searches for their owners.
type SavedSearchService interface {
	// SaveSearch keeps the caller's search (query as SavedSearch.Query) under a name.
	SaveSearch(ctx context.Context, name, query string, watch bool) (SavedSearch, error)
	// ListSavedSearches lists the caller's own saved searches, newest first.
	ListSavedSearches(ctx context.Context) ([]SavedSearch, error)
	// GetSavedSearch returns one of the caller's saved searches; anyone else's does not exist.
	GetSavedSearch(ctx context.Context, id string) (SavedSearch, error)
	// UpdateSavedSearch renames the caller's saved search or turns watching on or off. Turning
	// watching on starts from now: changes made while it was off are not alerted.
	UpdateSavedSearch(ctx context.Context, id string, ch SavedSearchChange) (SavedSearch, error)
	DeleteSavedSearch(ctx context.Context, id string) error
}

// MaxSavedSearches bounds how many searches one person keeps.
const MaxSavedSearches = 100

// ValidateSavedSearchName checks a saved search's name.
func ValidateSavedSearchName(p *Problems, name string) string {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		p.Add("name", FieldRequired, "Enter a name for the search")
	case n > 200:
		p.Add("name", FieldTooLong, "The name must be 200 characters or fewer")
	}
	if strings.ContainsAny(name, "\x00\r\n") {
		p.Add("name", FieldInvalid, "The name must be one line of text")
	}
	return name
}

// CanKeepSavedSearch: saved searches belong to signed-in people (not API clients of the system).
func CanKeepSavedSearch(a Actor) bool { return a.UserID != "" }

// FollowSubject is what may be followed.
type FollowSubject string

const (
	FollowRecommendation FollowSubject = "recommendation"
	FollowReview         FollowSubject = "review"
)

var FollowSubjects = []FollowSubject{FollowRecommendation, FollowReview}

// Follow is one person following one recommendation or review.
type Follow struct {
	Subject   FollowSubject
	SubjectID string
	// Label names the subject for its follower (the review's reference, the recommendation's
	// number), filled in when listed.
	Label     string
	CreatedAt time.Time
}

// FollowService follows and unfollows recommendations and reviews for the caller. Following
// needs the subject to be readable by the caller (to anyone else it does not exist).
type FollowService interface {
	// SetFollowing makes the caller follow (on) or stop following the subject; it reports
	// whether they follow it afterwards. Following twice, or unfollowing what is not followed,
	// changes nothing.
	SetFollowing(ctx context.Context, subject FollowSubject, id string, on bool) (bool, error)
	// Following reports whether the caller follows the subject.
	Following(ctx context.Context, subject FollowSubject, id string) (bool, error)
	// ListFollows lists what the caller follows and may still read, newest first.
	ListFollows(ctx context.Context) ([]Follow, error)
}
