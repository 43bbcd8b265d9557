package casereview

import (
	"context"
	"fmt"
	"time"
)

// Organisation is anyone a recommendation is addressed to. Reports name agencies loosely, so
// every organisation keeps the aliases its addressee text has been seen under.
type Organisation struct {
	ID        string
	Name      string
	Aliases   []string
	Sector    Sector
	ParentID  *string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

type OrganisationDraft struct {
	Name     string
	Aliases  []string
	Sector   Sector
	ParentID *string
}

func (d *OrganisationDraft) Validate() error {
	var p Problems
	CheckText(&p, "name", d.Name, true, 200)
	CheckEnum(&p, "sector", d.Sector, Sectors)
	d.Aliases = CleanList(d.Aliases)
	if len(d.Aliases) > 50 {
		p.Add("aliases", FieldTooLong, "at most 50 aliases")
	}
	for i, a := range d.Aliases {
		CheckText(&p, fmt.Sprintf("aliases[%d]", i), a, true, 200)
	}
	if d.ParentID != nil {
		id := CheckID(&p, "parent_id", *d.ParentID, true)
		d.ParentID = &id
	}
	return p.Err()
}

func (x Organisation) Draft() OrganisationDraft {
	return OrganisationDraft{Name: x.Name, Aliases: append([]string(nil), x.Aliases...), Sector: x.Sector, ParentID: x.ParentID}
}

type OrganisationFilter struct {
	Sector   Sector
	ParentID string
	Name     string // part of the name or of an alias, any case
}

func (f *OrganisationFilter) Validate() error {
	var p Problems
	checkFilterText(&p, map[string]string{"q": f.Name})
	if f.Sector != "" {
		CheckEnum(&p, "sector", f.Sector, Sectors)
	}
	f.ParentID = CheckID(&p, "parent_id", f.ParentID, false)
	return p.Err()
}

type OrganisationService interface {
	CreateOrganisation(ctx context.Context, d OrganisationDraft) (Organisation, error)
	GetOrganisation(ctx context.Context, id string) (Organisation, error)
	ListOrganisations(ctx context.Context, f OrganisationFilter, page PageRequest) (Page[Organisation], error)
	UpdateOrganisation(ctx context.Context, id string, version int, d OrganisationDraft) (Organisation, error)
	DeleteOrganisation(ctx context.Context, id string, version int) error
	// AllOrganisations lists every organisation with its aliases, for matching addressee text.
	AllOrganisations(ctx context.Context) ([]Organisation, error)
}
