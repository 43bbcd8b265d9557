package casereview

import (
	"context"
	"time"
)

// Theme suggestions (DESIGN §5): the taxonomy's keywords point at themes a recommendation's text
// is probably about. A suggestion is only ever a proposal: it becomes a theme assignment (source
// "suggested", with who confirmed it) when a person accepts it, and a person may reject it instead,
// after which it is not suggested for that recommendation again. Nothing is tagged silently.

// ThemeSuggestion proposes one theme for a text.
type ThemeSuggestion struct {
	Code  string
	Slug  string
	Label string
	Group string
	// Score runs from 0 to 1: how strongly the text points at the theme.
	Score    float64
	Triggers []SuggestionTrigger
}

// SuggestionTrigger is one place in the text that made a theme suggested: the words as written
// there, the keyword (or the keyword's synonym) they matched, and their byte offsets in the text.
type SuggestionTrigger struct {
	Text    string
	Keyword string
	Start   int
	End     int
}

// ThemeSuggester finds, among themes, those whose keywords occur in text, best first. It
// knows nothing of storage or permissions; the store calls it with the recommendation's current
// text and the active themes, and filters what it returns.
type ThemeSuggester interface {
	Suggest(text string, themes []Theme) []ThemeSuggestion
}

// SuggestionRejection records that a person decided a theme does not fit a recommendation.
type SuggestionRejection struct {
	RecommendationID string
	ThemeCode        string
	Reason           string
	RejectedBy       string // user id; empty for the system
	RejectedAt       time.Time
}

// ThemeSuggestionService lists, accepts and rejects theme suggestions. Reading needs
// CanReadReview on the recommendation's review; accepting and rejecting need CanManageReview,
// the rule for changing a recommendation's themes.
type ThemeSuggestionService interface {
	// ThemeSuggestions returns the suggestions for the recommendation's current text, leaving out
	// themes already assigned and themes rejected for it.
	ThemeSuggestions(ctx context.Context, recommendationID string) ([]ThemeSuggestion, error)
	// AcceptThemeSuggestion assigns a currently suggested theme, if the recommendation is still
	// at version, and returns the recommendation as it now is.
	AcceptThemeSuggestion(ctx context.Context, recommendationID string, version int, themeCode string) (Recommendation, error)
	// RejectThemeSuggestion records that a currently suggested theme does not fit.
	RejectThemeSuggestion(ctx context.Context, recommendationID, themeCode, reason string) (SuggestionRejection, error)
}
