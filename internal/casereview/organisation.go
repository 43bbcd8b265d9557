package casereview

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Organisation is anyone a recommendation is addressed to. Reports name agencies loosely, so
// every organisation keeps the aliases its addressee text has been seen under.
type Organisation struct {
	ID       string
	Name     string
	Aliases  []string
	Sector   Sector
	ParentID *string
	// SeniorContactName and SeniorContactEmail name who an escalation goes to (issue 18 §2).
	// Only admins and oversight read them (CanReadSeniorContact); others get them empty.
	SeniorContactName  string
	SeniorContactEmail string
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

type OrganisationDraft struct {
	Name     string
	Aliases  []string
	Sector   Sector
	ParentID *string
	// SeniorContactName and SeniorContactEmail: both or neither.
	SeniorContactName  string
	SeniorContactEmail string
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
	CheckText(&p, "senior_contact_name", d.SeniorContactName, false, 200)
	d.SeniorContactEmail = NormaliseEmail(d.SeniorContactEmail)
	if e := d.SeniorContactEmail; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
			p.Add("senior_contact_email", FieldInvalid, "%q is not an email address", e)
		}
	} else if strings.TrimSpace(d.SeniorContactName) != "" {
		p.Add("senior_contact_email", FieldRequired, "give the senior contact's email address: escalations are sent there")
	}
	if d.ParentID != nil {
		id := CheckID(&p, "parent_id", *d.ParentID, true)
		d.ParentID = &id
	}
	return p.Err()
}

func (x Organisation) Draft() OrganisationDraft {
	return OrganisationDraft{Name: x.Name, Aliases: append([]string(nil), x.Aliases...), Sector: x.Sector, ParentID: x.ParentID,
		SeniorContactName: x.SeniorContactName, SeniorContactEmail: x.SeniorContactEmail}
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

// CanReadSeniorContact: an organisation's senior contact is a person's address, for escalations;
// admins keep it and oversight sees who was told.
func CanReadSeniorContact(a Actor) bool { return a.IsSystem() || a.IsAdmin() || a.IsOversight() }
