package casereview

import (
	"context"
	"net/url"
	"time"
)

// Review is one review or report: a DHR, CSPR, SCR, CDR, SAR, SUSR, MHHR or a coroner's PFD report.
type Review struct {
	ID                  string
	Type                string // a review type code
	PartnershipID       string
	Reference           string
	Title               string // title or pseudonym; never a real name
	Status              ReviewStatus
	IncidentYear        *int // restricted field (DESIGN §3)
	CommissionedOn      *Date
	PublishedOn         *Date
	ReportURL           *string
	Summary             string
	Visibility          Visibility
	RecommendationCount int
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

type ReviewDraft struct {
	Type           string
	PartnershipID  string
	Reference      string
	Title          string
	Status         ReviewStatus
	IncidentYear   *int
	CommissionedOn *Date
	PublishedOn    *Date
	ReportURL      *string
	Summary        string
	Visibility     Visibility
}

// Validate checks the fields that need no database; the store checks that the type and the
// partnership exist.
func (d *ReviewDraft) Validate(today Date) error {
	var p Problems
	CheckText(&p, "type", d.Type, true, 50)
	d.PartnershipID = CheckID(&p, "partnership_id", d.PartnershipID, true)
	CheckText(&p, "reference", d.Reference, true, 100)
	CheckText(&p, "title", d.Title, true, 300)
	CheckEnum(&p, "status", d.Status, ReviewStatuses)
	CheckEnum(&p, "visibility", d.Visibility, Visibilities)
	CheckText(&p, "summary", d.Summary, false, 20000)
	if y := d.IncidentYear; y != nil && (*y < 1900 || *y > today.Year) {
		p.Add("incident_year", FieldInvalid, "incident_year must be between 1900 and %d", today.Year)
	}
	if d.CommissionedOn != nil && d.PublishedOn != nil && d.PublishedOn.Before(*d.CommissionedOn) {
		p.Add("published_on", FieldOrder, "published_on (%s) is before commissioned_on (%s)", d.PublishedOn, d.CommissionedOn)
	}
	if d.CommissionedOn != nil && today.Before(*d.CommissionedOn) {
		p.Add("commissioned_on", FieldInvalid, "commissioned_on (%s) is in the future", d.CommissionedOn)
	}
	if d.PublishedOn != nil && today.Before(*d.PublishedOn) {
		p.Add("published_on", FieldInvalid, "published_on (%s) is in the future", d.PublishedOn)
	}
	if d.Status == ReviewPublished && d.PublishedOn == nil {
		p.Add("published_on", FieldRequired, "published_on is required when status is published")
	}
	if d.Visibility == VisibilityPublic && d.Status != ReviewPublished {
		p.Add("visibility", FieldInvalid, "only a published review can be public")
	}
	if d.ReportURL != nil {
		if *d.ReportURL == "" {
			d.ReportURL = nil
		} else if u, err := url.Parse(*d.ReportURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(*d.ReportURL) > 2000 {
			p.Add("report_url", FieldInvalid, "report_url must be an http or https address")
		}
	}
	return p.Err()
}

func (x Review) Draft() ReviewDraft {
	return ReviewDraft{Type: x.Type, PartnershipID: x.PartnershipID, Reference: x.Reference, Title: x.Title,
		Status: x.Status, IncidentYear: x.IncidentYear, CommissionedOn: x.CommissionedOn, PublishedOn: x.PublishedOn,
		ReportURL: x.ReportURL, Summary: x.Summary, Visibility: x.Visibility}
}

type ReviewFilter struct {
	Type          string
	PartnershipID string
	Status        ReviewStatus
	Visibility    Visibility
	Reference     string
	PublishedFrom *Date
	PublishedTo   *Date
	Text          string // part of the title or reference
}

func (f *ReviewFilter) Validate() error {
	var p Problems
	checkFilterText(&p, map[string]string{"type": f.Type, "reference": f.Reference, "q": f.Text})
	f.PartnershipID = CheckID(&p, "partnership_id", f.PartnershipID, false)
	if f.Status != "" {
		CheckEnum(&p, "status", f.Status, ReviewStatuses)
	}
	if f.Visibility != "" {
		CheckEnum(&p, "visibility", f.Visibility, Visibilities)
	}
	return p.Err()
}

type ReviewService interface {
	CreateReview(ctx context.Context, d ReviewDraft) (Review, error)
	GetReview(ctx context.Context, id string) (Review, error)
	// ReviewsByID returns those of ids the caller may read, in one query.
	ReviewsByID(ctx context.Context, ids []string) (map[string]Review, error)
	ListReviews(ctx context.Context, f ReviewFilter, page PageRequest) (Page[Review], error)
	UpdateReview(ctx context.Context, id string, version int, d ReviewDraft) (Review, error)
	DeleteReview(ctx context.Context, id string, version int) error
}
