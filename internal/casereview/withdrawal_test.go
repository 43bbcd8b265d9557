package casereview_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	cr "github.com/casereview/casereview/internal/casereview"
)

// Who may withdraw evidence, and when (issue 13 item 10).
func TestCheckWithdrawal(t *testing.T) {
	const police, health, partnership = idA, idB, idC
	editor := func(id, org string) cr.Actor {
		return cr.Actor{UserID: id, Name: "Ed " + id, Memberships: []cr.Membership{{Role: cr.RoleAgencyEditor, OrganisationID: org}}}
	}
	uploader := editor("u-1", police)
	panel := cr.Actor{UserID: "u-panel", Name: "Pam", Memberships: []cr.Membership{{Role: cr.RolePanel, PartnershipID: partnership}}}
	admin := cr.Actor{UserID: "u-admin", Name: "Ada", Memberships: []cr.Membership{{Role: cr.RoleAdmin}, {Role: cr.RoleAgencyEditor, OrganisationID: health}}}
	oversight := cr.Actor{UserID: "u-ov", Name: "Otto", Memberships: []cr.Membership{{Role: cr.RoleOversight}}}
	withdrawn := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	closedOn := cr.MustDate("2026-02-01")

	// base: pending evidence uploaded by u-1, an editor of the owning police, on an open
	// recommendation, with a reason.
	base := func() cr.EvidenceWithdrawal {
		return cr.EvidenceWithdrawal{Evidence: cr.Evidence{ID: idA, Status: cr.EvidencePending, SubmittedByID: "u-1"},
			PartnershipID: partnership, OrganisationID: police, Classification: cr.OversightUnassessed,
			Reason: "Uploaded the wrong quarter's audit."}
	}
	for _, c := range []struct {
		name   string
		actor  cr.Actor
		change func(*cr.EvidenceWithdrawal)
		code   cr.Code // "" when allowed
		field  string  // the field the error names, if any
	}{
		{"the uploader, pending, open", uploader, nil, "", ""},
		{"the uploader, while another item supports the claim", uploader, func(w *cr.EvidenceWithdrawal) { w.Claimed, w.OtherEvidence = true, 1 }, "", ""},
		{"the uploader, on a panel upload", panel, func(w *cr.EvidenceWithdrawal) { w.Evidence.SubmittedByID = "u-panel" }, "", ""},
		{"the uploader, at the reason's limit", uploader, func(w *cr.EvidenceWithdrawal) { w.Reason = strings.Repeat("é", cr.MaxWithdrawalReason) }, "", ""},

		{"another editor of the same organisation", editor("u-2", police), nil, cr.CodeForbidden, ""},
		{"an editor of another organisation", editor("u-3", health), nil, cr.CodeForbidden, ""},
		{"the panel, which did not upload it", panel, nil, cr.CodeForbidden, ""},
		{"oversight", oversight, nil, cr.CodeForbidden, ""},
		{"an admin", admin, nil, cr.CodeForbidden, ""},
		{"the system", cr.System, nil, cr.CodeForbidden, ""},
		{"anonymous", cr.Anonymous, func(w *cr.EvidenceWithdrawal) { w.Evidence.SubmittedByID = "" }, cr.CodeUnauthenticated, ""},
		{"the uploader, no longer an editor of the owner", editor("u-1", health), nil, cr.CodeForbidden, ""},
		{"the uploader, evidence added by the system", uploader, func(w *cr.EvidenceWithdrawal) { w.Evidence.SubmittedByID = "" }, cr.CodeForbidden, ""},
		{"the uploader, forbidden before anything else", editor("u-2", police), func(w *cr.EvidenceWithdrawal) {
			w.Evidence.Status, w.Classification, w.Reason = cr.EvidenceVerified, cr.OversightStatus("closed_exceeds"), ""
		}, cr.CodeForbidden, ""},

		{"verified", uploader, func(w *cr.EvidenceWithdrawal) { w.Evidence.Status = cr.EvidenceVerified }, cr.CodeConflict, "status"},
		{"rejected", uploader, func(w *cr.EvidenceWithdrawal) { w.Evidence.Status = cr.EvidenceRejected }, cr.CodeConflict, "status"},
		{"already withdrawn", uploader, func(w *cr.EvidenceWithdrawal) { w.Evidence.WithdrawnAt = &withdrawn }, cr.CodeConflict, "status"},
		{"on a closed recommendation", uploader, func(w *cr.EvidenceWithdrawal) {
			w.Classification, w.ClosedOn = cr.OversightStatus("closed_acceptable_action"), &closedOn
		}, cr.CodeConflict, "oversight_status"},
		{"the only evidence of a pending claim", uploader, func(w *cr.EvidenceWithdrawal) { w.Claimed = true }, cr.CodeConflict, "evidence"},
		{"a conflict before a missing reason", uploader, func(w *cr.EvidenceWithdrawal) { w.Evidence.Status, w.Reason = cr.EvidenceVerified, "" }, cr.CodeConflict, "status"},

		{"no reason", uploader, func(w *cr.EvidenceWithdrawal) { w.Reason = "" }, cr.CodeInvalid, "reason"},
		{"a blank reason", uploader, func(w *cr.EvidenceWithdrawal) { w.Reason = " \n\t " }, cr.CodeInvalid, "reason"},
		{"a reason over the limit", uploader, func(w *cr.EvidenceWithdrawal) { w.Reason = strings.Repeat("x", cr.MaxWithdrawalReason+1) }, cr.CodeInvalid, "reason"},
		{"a reason with a control character", uploader, func(w *cr.EvidenceWithdrawal) { w.Reason = "wrong\x00file" }, cr.CodeInvalid, "reason"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := base()
			if c.change != nil {
				c.change(&w)
			}
			err := cr.CheckWithdrawal(c.actor, w)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if err := cr.CanWithdrawEvidence(c.actor, w); err != nil {
					t.Fatalf("CanWithdrawEvidence refused what CheckWithdrawal allows: %v", err)
				}
				return
			}
			if got := cr.ErrorCode(err); got != c.code {
				t.Fatalf("code %q (%v), want %q", got, err, c.code)
			}
			if c.field != "" {
				var e *cr.Error
				if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
					t.Errorf("fields %+v, want one on %s", e.Fields, c.field)
				}
			}
			// The reason is the form's business: CanWithdrawEvidence, which decides whether the
			// page offers a withdrawal, ignores it and agrees on everything else.
			can := cr.CanWithdrawEvidence(c.actor, w)
			if c.code == cr.CodeInvalid {
				if can != nil {
					t.Errorf("CanWithdrawEvidence refused over the reason: %v", can)
				}
			} else if cr.ErrorCode(can) != c.code {
				t.Errorf("CanWithdrawEvidence: %v, want %s", can, c.code)
			}
		})
	}
}
