package imports

import (
	"context"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// importCreates are the partnerships and organisations one import creates, with the ids they
// will have, so the bundles can name them before they exist; they are written in the import's
// own transaction, so an import that fails, or whose process dies, leaves none behind.
type importCreates struct {
	parts    []store.PartnershipRow
	orgs     []casereview.OrganisationDraft
	orgIDs   []string
	orgField []string
	orgNames map[string]int
}

// planCreates checks who may create what, validates the drafts and gives each an id, and points
// the bundles' keys at those ids.
func (s *Service) planCreates(ctx context.Context, c casereview.ImportCreates, bundles []casereview.ReviewBundle) (*importCreates, error) {
	if len(c.Partnerships) == 0 && len(c.Organisations) == 0 {
		return nil, nil
	}
	if len(c.Partnerships) > 0 {
		if a := casereview.ActorFrom(ctx); !casereview.CanManagePartnerships(a) {
			return nil, casereview.Deny(a, "only admins manage partnerships")
		}
	}
	if a := casereview.ActorFrom(ctx); len(c.Organisations) > 0 && !casereview.CanCreateOrganisation(a) {
		return nil, casereview.Deny(a, "only admins and panel members add organisations")
	}
	var p casereview.Problems
	out := &importCreates{orgNames: map[string]int{}}
	ids := map[string]string{}
	partNames := map[string]bool{}
	for _, np := range c.Partnerships {
		casereview.ExtendProblems(&p, np.Field+".", np.Draft.Validate())
		if k := casereview.NameKey(np.Draft.Name); partNames[k] {
			p.Add(np.Field+".name", casereview.FieldDuplicate, "another partnership of the file has this name")
		} else {
			partNames[k] = true
		}
		id := store.NewID()
		ids[strings.ToLower(np.Key)] = id
		out.parts = append(out.parts, store.PartnershipRow{ID: id, Name: np.Draft.Name, NameKey: casereview.NameKey(np.Draft.Name), Kind: string(np.Draft.Kind),
			AreaCodes: np.Draft.AreaCodes, ViewersSee: np.Draft.ViewersSeeRestricted, Version: 1})
	}
	for i, no := range c.Organisations {
		casereview.ExtendProblems(&p, no.Field+".", no.Draft.Validate())
		k := casereview.NameKey(no.Draft.Name)
		if _, dup := out.orgNames[k]; dup {
			p.Add(no.Field+".name", casereview.FieldDuplicate, "another organisation of the file has this name")
		}
		out.orgNames[k] = i
		id := store.NewID()
		ids[strings.ToLower(no.Key)] = id
		d := no.Draft
		d.ParentID = nil
		out.orgs, out.orgIDs, out.orgField = append(out.orgs, d), append(out.orgIDs, id), append(out.orgField, no.Field)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	swap := func(v *string) {
		if id, ok := ids[strings.ToLower(*v)]; ok {
			*v = id
		}
	}
	for i := range bundles {
		b := &bundles[i]
		swap(&b.Review.PartnershipID)
		for j := range b.Recommendations {
			r := &b.Recommendations[j]
			for k := range r.Draft.Addressees {
				swap(&r.Draft.Addressees[k].OrganisationID)
			}
			for k := range r.Actions {
				swap(&r.Actions[k].OrganisationID)
			}
		}
	}
	return out, nil
}

// write creates the partnerships and organisations in t, audited and journaled as if created
// by hand.
func (c *importCreates) write(t store.Tx, res *casereview.ImportResult) error {
	if c == nil {
		return nil
	}
	for i := range c.parts {
		row := &c.parts[i]
		if err := t.UniqueName("partnerships", row.Name, ""); err != nil {
			return err
		}
		row.CreatedAt, row.UpdatedAt = t.Now(), t.Now()
		if err := t.DB().Create(row).Error; err != nil {
			return err
		}
		t.Touch(store.JournalPartnership, row.ID)
		t.Audit(casereview.AuditPartnershipCreated, "partnership", row.ID, nil, row.Domain())
		res.Changed("created partnership %q", row.Name)
	}
	if len(c.orgs) > 0 {
		if err := t.CreateOrganisations(c.orgs, c.orgIDs, c.orgNames, func(i int) string { return c.orgField[i] }); err != nil {
			return err
		}
		for _, o := range c.orgs {
			res.Changed("created organisation %q", o.Name)
		}
	}
	if res.Created == nil {
		res.Created = map[string]int{}
	}
	res.Created["partnerships"], res.Created["organisations"] = len(c.parts), len(c.orgs)
	return nil
}
