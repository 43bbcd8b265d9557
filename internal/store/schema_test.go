package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// The schema itself refuses rows the domain would refuse, so no route into the database (a
// script, an importer, a bug) can store them. Each bad statement has a good twin that differs
// only in the offending value and must succeed, which proves the refusal is the rule's doing and
// not a typo in the statement.
func TestSchemaRefusesBadRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1")) // police lead; themes C01 (primary), A02
		must(t, err)
		_, err = s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Audit referrals."})
		must(t, err)
		health, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold NHS Trust", Sector: "nhs_trust"})
		must(t, err)
		_, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Ärzteverband Öst", Sector: "other"})
		must(t, err)
		spare, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: f.review.ID, Number: "2", Text: "x", Scope: "local",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: f.la.ID, Role: "lead"}}})
		must(t, err)
		empty, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: f.p.ID, Reference: "NF-SAR-01", Title: "Empty", Status: "commissioned", Visibility: "restricted"})
		must(t, err)

		const ts = "'2026-03-02 10:00:00'"
		id := func() string { return uuid.NewString() }
		nul := func(s string) any { // an empty date is NULL
			if s == "" {
				return nil
			}
			return s
		}
		review := func(status, visibility, commissioned, published, typ, partnership, ref string, year int) (string, []any) {
			return `INSERT INTO reviews (id, type, partnership_id, reference, title, status, incident_year, commissioned_on, published_on,
				summary, visibility, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'T', ?, ?, ?, ?, '', ?, 1, ` + ts + `, ` + ts + `)`,
				[]any{id(), typ, partnership, ref, status, year, nul(commissioned), nul(published), visibility}
		}
		recommendation := func(reviewID, number, text, scope, itype, resp, oversight string, version int) (string, []any) {
			return `INSERT INTO recommendations (id, review_id, number, title, text, scope, intervention_type, response_status,
				implementation_status, oversight_status, version, created_at, updated_at, issued_on)
				VALUES (?, ?, ?, '', ?, ?, ?, ?, 'not_started', ?, ?, ` + ts + `, ` + ts + `, '2026-03-02')`,
				[]any{id(), reviewID, number, text, scope, itype, resp, oversight, version}
		}
		action := func(recID, orgID, status string) (string, []any) {
			return `INSERT INTO actions (id, recommendation_id, organisation_id, description, owner, implementation_status, version, created_at, updated_at)
				VALUES (?, ?, ?, 'd', '', ?, 1, ` + ts + `, ` + ts + `)`, []any{id(), recID, orgID, status}
		}
		theme := func(code string, primary bool, source string) (string, []any) {
			return `INSERT INTO theme_assignments (recommendation_id, theme_code, is_primary, source, position, assigned_at)
				VALUES (?, ?, ?, ?, 9, ` + ts + `)`, []any{rec.ID, code, primary, source}
		}
		addressee := func(recID, orgID, role, notified, acknowledged string) (string, []any) {
			return `INSERT INTO addressees (recommendation_id, organisation_id, role, raw_text, notified_on, acknowledged_on, position, created_at)
				VALUES (?, ?, ?, '', ?, ?, 5, ` + ts + `)`, []any{recID, orgID, role, notified, acknowledged}
		}
		organisation := func(name, sector string, self bool) (string, []any) {
			oid := id()
			var parent any
			if self {
				parent = oid
			}
			return `INSERT INTO organisations (id, name, name_key, sector, parent_id, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ` + ts + `, ` + ts + `)`,
				[]any{oid, name, casereview.NameKey(name), sector, parent}
		}
		partnership := func(name, kind string) (string, []any) {
			return `INSERT INTO partnerships (id, name, name_key, kind, area_codes, version, created_at, updated_at) VALUES (?, ?, ?, ?, '[]', 1, ` + ts + `, ` + ts + `)`,
				[]any{id(), name, casereview.NameKey(name), kind}
		}
		stmt := func(q string, args ...any) func() (string, []any) { return func() (string, []any) { return q, args } }
		type build = func() (string, []any)
		cases := []struct {
			name      string
			bad, good build
		}{
			{"review with an unknown status",
				func() (string, []any) { return review("bogus", "shared", "", "", "DHR", f.p.ID, "S-1", 2020) },
				func() (string, []any) { return review("commissioned", "shared", "", "", "DHR", f.p.ID, "S-1", 2020) }},
			{"review with an unknown visibility",
				func() (string, []any) { return review("commissioned", "secret", "", "", "DHR", f.p.ID, "S-2", 2020) },
				func() (string, []any) {
					return review("commissioned", "restricted", "", "", "DHR", f.p.ID, "S-2", 2020)
				}},
			{"public review that is not published",
				func() (string, []any) { return review("in_progress", "public", "", "", "DHR", f.p.ID, "S-3", 2020) },
				func() (string, []any) {
					return review("published", "public", "", "2025-01-01", "DHR", f.p.ID, "S-3", 2020)
				}},
			{"review published before it was commissioned",
				func() (string, []any) {
					return review("published", "shared", "2025-02-01", "2025-01-31", "DHR", f.p.ID, "S-4", 2020)
				},
				func() (string, []any) {
					return review("published", "shared", "2025-02-01", "2025-02-01", "DHR", f.p.ID, "S-4", 2020)
				}},
			{"review with an impossible date",
				func() (string, []any) {
					return review("published", "shared", "", "2025-02-30", "DHR", f.p.ID, "S-5", 2020)
				},
				func() (string, []any) {
					return review("published", "shared", "", "2025-02-28", "DHR", f.p.ID, "S-5", 2020)
				}},
			{"review of an unknown type",
				func() (string, []any) {
					return review("commissioned", "shared", "", "", "INQUEST", f.p.ID, "S-6", 2020)
				},
				func() (string, []any) { return review("commissioned", "shared", "", "", "SAR", f.p.ID, "S-6", 2020) }},
			{"review of a missing partnership",
				func() (string, []any) { return review("commissioned", "shared", "", "", "DHR", missingID, "S-7", 2020) },
				func() (string, []any) { return review("commissioned", "shared", "", "", "DHR", f.p.ID, "S-7", 2020) }},
			{"review with a reference already used in the partnership",
				func() (string, []any) {
					return review("commissioned", "shared", "", "", "DHR", f.p.ID, "NF-DHR-01", 2020)
				},
				func() (string, []any) {
					return review("commissioned", "shared", "", "", "DHR", f.p.ID, "NF-DHR-99", 2020)
				}},
			{"review with an incident year out of range",
				func() (string, []any) { return review("commissioned", "shared", "", "", "DHR", f.p.ID, "S-8", 1850) },
				func() (string, []any) { return review("commissioned", "shared", "", "", "DHR", f.p.ID, "S-8", 1999) }},
			{"review status updated to an unknown value",
				stmt("UPDATE reviews SET status = 'bogus' WHERE id = ?", empty.ID),
				stmt("UPDATE reviews SET status = 'in_progress' WHERE id = ?", empty.ID)},

			{"recommendation with an unknown scope",
				func() (string, []any) {
					return recommendation(f.review.ID, "10", "x", "planet", "training", "accepted", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "10", "x", "national", "training", "accepted", "open_acceptable", 1)
				}},
			{"recommendation with a number already used in the review",
				func() (string, []any) {
					return recommendation(f.review.ID, "1", "x", "local", "training", "accepted", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "11", "x", "local", "training", "accepted", "open_acceptable", 1)
				}},
			{"recommendation with an unknown response status",
				func() (string, []any) {
					return recommendation(f.review.ID, "12", "x", "local", "training", "maybe", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "12", "x", "local", "training", "not_accepted", "open_acceptable", 1)
				}},
			{"recommendation with an unknown oversight status",
				func() (string, []any) {
					return recommendation(f.review.ID, "13", "x", "local", "training", "accepted", "closed", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "13", "x", "local", "training", "accepted", "closed_duplicate", 1)
				}},
			{"recommendation with an unknown intervention type",
				func() (string, []any) {
					return recommendation(f.review.ID, "14", "x", "local", "prayer", "accepted", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "14", "x", "local", "governance", "accepted", "open_acceptable", 1)
				}},
			{"recommendation on a missing review",
				func() (string, []any) {
					return recommendation(missingID, "15", "x", "local", "training", "accepted", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "15", "x", "local", "training", "accepted", "open_acceptable", 1)
				}},
			{"recommendation without text",
				func() (string, []any) {
					return recommendation(f.review.ID, "16", "", "local", "training", "accepted", "open_acceptable", 1)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "16", "y", "local", "training", "accepted", "open_acceptable", 1)
				}},
			{"recommendation at version 0",
				func() (string, []any) {
					return recommendation(f.review.ID, "17", "x", "local", "training", "accepted", "open_acceptable", 0)
				},
				func() (string, []any) {
					return recommendation(f.review.ID, "17", "x", "local", "training", "accepted", "open_acceptable", 1)
				}},
			{"recommendation scope updated to an unknown value",
				stmt("UPDATE recommendations SET scope = 'planet' WHERE id = ?", spare.ID),
				stmt("UPDATE recommendations SET scope = 'regional' WHERE id = ?", spare.ID)},
			{"recommendation renumbered onto another's number",
				stmt("UPDATE recommendations SET number = '1' WHERE id = ?", spare.ID),
				stmt("UPDATE recommendations SET number = '2a' WHERE id = ?", spare.ID)},
			{"review with recommendations deleted",
				stmt("DELETE FROM reviews WHERE id = ?", f.review.ID),
				stmt("DELETE FROM reviews WHERE id = ?", empty.ID)},

			{"action owned by an organisation that is not an addressee",
				func() (string, []any) { return action(rec.ID, f.la.ID, "planned") },
				func() (string, []any) { return action(rec.ID, f.police.ID, "planned") }},
			{"action on a missing recommendation",
				func() (string, []any) { return action(missingID, f.police.ID, "planned") },
				func() (string, []any) { return action(rec.ID, f.police.ID, "planned") }},
			{"action with an unknown status",
				func() (string, []any) { return action(rec.ID, f.police.ID, "done") },
				func() (string, []any) { return action(rec.ID, f.police.ID, "implemented_verified") }},
			{"action moved to an organisation that is not an addressee",
				stmt("UPDATE actions SET organisation_id = ? WHERE recommendation_id = ?", f.la.ID, rec.ID),
				stmt("UPDATE actions SET owner = 'moved nowhere' WHERE recommendation_id = ?", rec.ID)},

			{"a second primary theme",
				func() (string, []any) { return theme("A09", true, "manual") },
				func() (string, []any) { return theme("A09", false, "manual") }},
			{"a theme made primary beside the primary",
				stmt("UPDATE theme_assignments SET is_primary = ? WHERE recommendation_id = ? AND theme_code = 'A02'", true, rec.ID),
				stmt("UPDATE theme_assignments SET source = 'rule' WHERE recommendation_id = ? AND theme_code = 'A02'", rec.ID)},
			{"an unknown theme",
				func() (string, []any) { return theme("Z99", false, "manual") },
				func() (string, []any) { return theme("B01", false, "manual") }},
			{"a theme from an unknown source",
				func() (string, []any) { return theme("B02", false, "robot") },
				func() (string, []any) { return theme("B02", false, "suggested") }},
			{"the same theme twice",
				func() (string, []any) { return theme("C01", false, "manual") },
				func() (string, []any) { return theme("C02", false, "manual") }},

			{"addressee with an unknown role",
				func() (string, []any) { return addressee(rec.ID, health.ID, "boss", "2026-01-01", "2026-01-02") },
				func() (string, []any) {
					return addressee(rec.ID, health.ID, "for_information", "2026-01-01", "2026-01-02")
				}},
			{"addressee acknowledged before notified",
				func() (string, []any) { return addressee(spare.ID, health.ID, "lead", "2026-01-02", "2026-01-01") },
				func() (string, []any) { return addressee(spare.ID, health.ID, "lead", "2026-01-02", "2026-01-02") }},
			{"addressee that is not an organisation",
				func() (string, []any) { return addressee(spare.ID, missingID, "lead", "2026-01-01", "2026-01-01") },
				func() (string, []any) { return addressee(spare.ID, f.police.ID, "lead", "2026-01-01", "2026-01-01") }},
			{"addressee that owns actions removed",
				stmt("DELETE FROM addressees WHERE recommendation_id = ? AND organisation_id = ?", rec.ID, f.police.ID),
				stmt("DELETE FROM addressees WHERE recommendation_id = ? AND organisation_id = ?", rec.ID, health.ID)},

			{"organisation that is its own parent",
				func() (string, []any) { return organisation("Self", "police", true) },
				func() (string, []any) { return organisation("Self", "police", false) }},
			{"organisation of an unknown sector",
				func() (string, []any) { return organisation("Fire", "fire", false) },
				func() (string, []any) { return organisation("Fire", "other", false) }},
			{"organisation with a name taken in another case",
				func() (string, []any) { return organisation("NORTHFOLD POLICE", "police", false) },
				func() (string, []any) { return organisation("Northfold Police Federation", "police", false) }},
			{"organisation with a name taken in another (non-ASCII) case",
				func() (string, []any) { return organisation("ärzteverband öst", "other", false) },
				func() (string, []any) { return organisation("Ärzteverband Öst Süd", "other", false) }},
			{"organisation without a name key",
				stmt(`INSERT INTO organisations (id, name, sector, version, created_at, updated_at) VALUES (?, 'Unkeyed', 'other', 1, `+ts+`, `+ts+`)`, id()),
				stmt(`INSERT INTO organisations (id, name, name_key, sector, version, created_at, updated_at) VALUES (?, 'Unkeyed', 'unkeyed', 'other', 1, `+ts+`, `+ts+`)`, id())},
			{"organisation's name key removed",
				stmt(`UPDATE organisations SET name_key = NULL WHERE id = ?`, f.police.ID),
				stmt(`UPDATE organisations SET name_key = name_key WHERE id = ?`, f.police.ID)},
			{"partnership without a name key",
				stmt(`INSERT INTO partnerships (id, name, kind, area_codes, version, created_at, updated_at) VALUES (?, 'Unkeyed', 'other', '[]', 1, `+ts+`, `+ts+`)`, id()),
				stmt(`INSERT INTO partnerships (id, name, name_key, kind, area_codes, version, created_at, updated_at) VALUES (?, 'Unkeyed', 'unkeyed', 'other', '[]', 1, `+ts+`, `+ts+`)`, id())},
			{"organisation with an empty name",
				func() (string, []any) { return organisation("", "police", false) },
				func() (string, []any) { return organisation("N", "police", false) }},
			{"organisation addressed by a recommendation deleted",
				stmt("DELETE FROM organisations WHERE id = ?", f.police.ID),
				stmt("UPDATE organisations SET version = version + 1 WHERE id = ?", f.police.ID)},
			{"alias key used twice by one organisation",
				stmt("INSERT INTO organisation_aliases (organisation_id, alias, alias_key, position) VALUES (?, 'nfp', 'nfp', 9)", f.police.ID),
				stmt("INSERT INTO organisation_aliases (organisation_id, alias, alias_key, position) VALUES (?, 'nfp', 'nfp', 9)", f.la.ID)},

			{"partnership of an unknown kind",
				func() (string, []any) { return partnership("Parish", "parish_council") },
				func() (string, []any) { return partnership("Parish", "other") }},
			{"partnership with a name taken in another case",
				func() (string, []any) { return partnership("northfold csp", "other") },
				func() (string, []any) { return partnership("Northfold CSP 2", "other") }},
			{"partnership with reviews deleted",
				stmt("DELETE FROM partnerships WHERE id = ?", f.p.ID),
				stmt("UPDATE partnerships SET version = version + 1 WHERE id = ?", f.p.ID)},

			{"theme with a slug already used",
				stmt("INSERT INTO themes (code, slug, group_code, label, definition, keywords, active, taxonomy_version, sort_order) VALUES ('X01', 'stalking', 'A', 'L', 'D', '[]', ?, 1, 99)", true),
				stmt("INSERT INTO themes (code, slug, group_code, label, definition, keywords, active, taxonomy_version, sort_order) VALUES ('X01', 'x-one', 'A', 'L', 'D', '[]', ?, 1, 99)", true)},
			{"theme in an unknown group",
				stmt("INSERT INTO themes (code, slug, group_code, label, definition, keywords, active, taxonomy_version, sort_order) VALUES ('X02', 'x-two', 'Z', 'L', 'D', '[]', ?, 1, 99)", true),
				stmt("INSERT INTO themes (code, slug, group_code, label, definition, keywords, active, taxonomy_version, sort_order) VALUES ('X02', 'x-two', 'B', 'L', 'D', '[]', ?, 1, 99)", true)},
			{"journal row for an unknown entity type",
				stmt("INSERT INTO change_journal (seq, entity_type, entity_id, created_at) VALUES (1000000, 'user', 'u', " + ts + ")"),
				stmt("INSERT INTO change_journal (seq, entity_type, entity_id, created_at) VALUES (1000000, 'review', 'u', " + ts + ")")},
			{"journal row reusing a sequence number",
				stmt("INSERT INTO change_journal (seq, entity_type, entity_id, created_at) VALUES (1, 'review', 'u', " + ts + ")"),
				stmt("INSERT INTO change_journal (seq, entity_type, entity_id, created_at) VALUES (1000001, 'review', 'u', " + ts + ")")},
			{"a second journal head",
				stmt("UPDATE journal_head SET id = 2"),
				stmt("UPDATE journal_head SET id = 1")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				q, args := c.bad()
				if err := execSQL(s, q, args...); err == nil {
					t.Fatalf("the schema accepted: %s %v", q, args)
				}
				q, args = c.good()
				if err := execSQL(s, q, args...); err != nil {
					t.Fatalf("the good twin failed, so the bad statement proves nothing: %v\n%s %v", err, q, args)
				}
			})
		}
	})
}
