package casereview

import (
	"context"
	"fmt"
	"time"
)

// Partnership is the body that commissions reviews: a community safety partnership, a
// safeguarding children partnership, a safeguarding adults board, a CDOP or a coroner area.
type Partnership struct {
	ID        string
	Name      string
	Kind      PartnershipKind
	AreaCodes []string // local authority, police force area, ICB…
	// ViewersSeeRestricted lets the partnership's viewers read its restricted reviews. Off by
	// default: restricted reviews are for the partnership's panel, oversight and admins (issue 3).
	ViewersSeeRestricted bool
	Version              int
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// PartnershipDraft holds the fields a caller writes.
type PartnershipDraft struct {
	Name                 string
	Kind                 PartnershipKind
	AreaCodes            []string
	ViewersSeeRestricted bool
}

// Validate checks d and cleans its lists.
func (d *PartnershipDraft) Validate() error {
	var p Problems
	CheckText(&p, "name", d.Name, true, 200)
	CheckEnum(&p, "kind", d.Kind, PartnershipKinds)
	d.AreaCodes = CleanList(d.AreaCodes)
	for i, c := range d.AreaCodes {
		CheckText(&p, fmt.Sprintf("area_codes[%d]", i), c, true, 100)
	}
	return p.Err()
}

// Draft returns the writable fields of x.
func (x Partnership) Draft() PartnershipDraft {
	return PartnershipDraft{Name: x.Name, Kind: x.Kind, AreaCodes: append([]string(nil), x.AreaCodes...),
		ViewersSeeRestricted: x.ViewersSeeRestricted}
}

type PartnershipFilter struct {
	Kind PartnershipKind
	Name string // part of the name, any case
}

func (f PartnershipFilter) Validate() error {
	var p Problems
	checkFilterText(&p, map[string]string{"q": f.Name})
	if f.Kind != "" {
		CheckEnum(&p, "kind", f.Kind, PartnershipKinds)
	}
	return p.Err()
}

type PartnershipService interface {
	CreatePartnership(ctx context.Context, d PartnershipDraft) (Partnership, error)
	GetPartnership(ctx context.Context, id string) (Partnership, error)
	ListPartnerships(ctx context.Context, f PartnershipFilter, page PageRequest) (Page[Partnership], error)
	UpdatePartnership(ctx context.Context, id string, version int, d PartnershipDraft) (Partnership, error)
	DeletePartnership(ctx context.Context, id string, version int) error
}
