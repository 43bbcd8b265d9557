package casereview

import (
	"context"
	"time"
)

// ReviewReport is a review's published report, uploaded so that its recommendations are
// proposed rather than retyped (issue 17 §2). The file is kept, content-addressed, as evidence
// files are; Proposals is what was found in it, which the panel edits, merges, splits or drops
// before confirming. Nothing is created until then, and only once.
type ReviewReport struct {
	ID             string
	ReviewID       string
	Filename       string
	MediaType      string
	Format         string // pdf, docx, odt or txt: what the bytes were read as
	SizeBytes      int64
	SHA256         string
	Pages          int
	UploadedByID   string
	UploadedByName string
	UploadedAt     time.Time
	// ConfirmedAt is set when the panel confirmed the proposals and the recommendations were
	// created; a report is confirmed at most once.
	ConfirmedAt     *time.Time
	ConfirmedByName string
	CreatedCount    int
	Proposals       []ReportProposal
}

// ReportProposal is one recommendation as found in a report, or as the panel has edited it.
type ReportProposal struct {
	Number  string   `json:"number"`
	Text    string   `json:"text"`
	Page    int      `json:"page"` // the page of the report it came from, from 1; 0 when unknown
	Heading string   `json:"heading,omitempty"`
	Orgs    []string `json:"addressees"` // organisation ids, matched by name or alias
	Themes  []string `json:"themes"`     // theme codes the suggester proposed
	// Recalled: the report recalls it from another investigation rather than makes it (a
	// "Previous recommendations" heading, an older identifier series); the form leaves it out
	// unless the panel ticks it back in.
	Recalled bool `json:"recalled,omitempty"`
}

// ReportProblem names what is wrong with an uploaded report, as the field "file".
const (
	FileUnsupported = "unsupported_type"   // not a PDF, DOCX, ODT or plain text
	FileNoText      = "no_text"            // a scanned PDF without a text layer
	FileNoPDFReader = "pdf_reader_missing" // the server has no pdftotext
	FileNoProposals = "no_recommendations" // read, but no recommendations found
	FileUnreadable  = "unreadable"         // a damaged file
)

// MaxReportBytes is the largest report accepted (internal/extract reads no more).
const MaxReportBytes = 25 << 20

// ReportService keeps a review's reports and turns confirmed proposals into recommendations.
type ReportService interface {
	// UploadReport reads a report, proposes its recommendations and keeps the file as the
	// review's report. Whoever may manage the review. A file with no recommendations found is
	// refused (field "file"), and nothing is kept.
	UploadReport(ctx context.Context, reviewID, filename string, content []byte) (ReviewReport, error)
	// GetReport returns a report of a review the caller may read, with its proposals.
	GetReport(ctx context.Context, id string) (ReviewReport, error)
	// ListReports returns a review's reports, newest first, without their proposals.
	ListReports(ctx context.Context, reviewID string) ([]ReviewReport, error)
	// ReportContent returns the file, as EvidenceContent does.
	ReportContent(ctx context.Context, id string) (ReviewReport, []byte, error)
	// ConfirmReport creates the recommendations in drafts (the panel's final proposals, each
	// with the page it came from) through the usual create path, all or none, and marks the
	// report confirmed. A report already confirmed is a conflict, so a double submit creates
	// nothing twice. Problems are reported per proposal: proposals[i].number, …
	ConfirmReport(ctx context.Context, id string, drafts []ProposalDraft) ([]Recommendation, error)
}

// ProposalDraft is one recommendation to create from a report: a RecommendationDraft (its
// ReviewID is the report's review) and the page it came from.
type ProposalDraft struct {
	RecommendationDraft
	Page int
}
