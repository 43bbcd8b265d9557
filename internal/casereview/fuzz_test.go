package casereview_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	cr "github.com/casereview/casereview/internal/casereview"
)

// checkStoredText asserts what the database and the API rely on for a text field that passed
// validation.
func checkStoredText(t *testing.T, field, s string, required bool, max int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s %q accepted but is not valid UTF-8", field, s)
	}
	if strings.ContainsRune(s, 0) {
		t.Fatalf("%s %q accepted with a NUL", field, s)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			t.Fatalf("%s %q accepted with control character U+%04X", field, s, r)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		t.Fatalf("%s accepted with %d characters; the limit is %d", field, n, max)
	}
	if required && strings.TrimSpace(s) == "" {
		t.Fatalf("required %s %q accepted although blank", field, s)
	}
}

func FuzzRecommendationDraftValidate(f *testing.F) {
	f.Add(idA, "3a", "Training", "The partnership should act.", "local", "lead", idB, "A09", "stalking", "", true, false, uint8(0))
	f.Add(strings.ToUpper(idA), "R4", "", "text\twith\ttabs\r\n", "national", "supporting", idB, "a01", "A01", "rule", false, false, uint8(1))
	f.Add(idA, "1", "t", "x", "regional", "for_information", strings.ToUpper(idB), "A01", "A01", "manual", true, true, uint8(2))
	f.Add("", "", "", "", "", "", "", "", "", "", false, false, uint8(3))
	f.Add("not-an-id", "  ", "\v", "a\x00b", "LOCAL", "boss", "x", " ", "\xff", "import", true, true, uint8(4))
	f.Add(idA, strings.Repeat("é", 20), strings.Repeat("ß", 300), "\u0085text", "local", "lead", idB, "A09", "A10", "suggested", false, true, uint8(5))
	f.Add(idA, "7", strings.Repeat(" ", 301), "ok", "local", "lead", idB, "A09", "A10", "", false, false, uint8(6))
	f.Add(idA, strings.Repeat("é", 21), "caf\xc3\xa9", "\x1b[31m", "local", "lead", idB, "A09", "", "", false, false, uint8(7))

	f.Fuzz(func(t *testing.T, reviewID, number, title, text, scope, role, org, theme1, theme2, source string,
		primary1, primary2 bool, shape uint8) {
		d := cr.RecommendationDraft{ReviewID: reviewID, Number: number, Title: title, Text: text, Scope: cr.Scope(scope)}
		if shape&1 != 0 {
			d.Addressees = []cr.AddresseeDraft{{OrganisationID: org, Role: cr.AddresseeRole(role), RawText: title}}
			if shape&2 != 0 {
				d.Addressees = append(d.Addressees, cr.AddresseeDraft{OrganisationID: strings.ToUpper(org), Role: cr.RoleLead,
					NotifiedOn: datePtr("2024-03-02"), AcknowledgedOn: datePtr("2024-03-01")})
			}
		}
		if shape&4 != 0 {
			d.Themes = []cr.ThemeDraft{{Code: theme1, Primary: primary1, Source: cr.ThemeSource(source)}}
			if shape&8 != 0 {
				d.Themes = append(d.Themes, cr.ThemeDraft{Code: theme2, Primary: primary2})
			}
		}
		if shape&16 != 0 {
			d.InterventionType = &source
		}

		err := d.Validate()
		if err != nil {
			// Every failure is an invalid-input error naming at least one field.
			if !cr.IsCode(err, cr.CodeInvalid) {
				t.Fatalf("Validate returned %v with code %q", err, cr.ErrorCode(err))
			}
			for _, fe := range fieldsOf(t, err) {
				if fe.Field == "" || fe.Code == "" || fe.Message == "" {
					t.Fatalf("incomplete field error %+v", fe)
				}
			}
			return
		}

		checkStoredText(t, "number", d.Number, true, 20)
		checkStoredText(t, "text", d.Text, true, 20000)
		checkStoredText(t, "title", d.Title, false, 300)
		if id, ok := cr.NormaliseID(d.ReviewID); !ok || id != d.ReviewID {
			t.Fatalf("review_id %q accepted but not normalised", d.ReviewID)
		}
		if !cr.Valid(d.Scope, cr.Scopes) {
			t.Fatalf("scope %q accepted", d.Scope)
		}
		seen := map[string]bool{}
		for i, a := range d.Addressees {
			if id, ok := cr.NormaliseID(a.OrganisationID); !ok || id != a.OrganisationID || seen[id] {
				t.Fatalf("addressees[%d].organisation_id %q accepted", i, a.OrganisationID)
			}
			seen[a.OrganisationID] = true
			if !cr.Valid(a.Role, cr.AddresseeRoles) {
				t.Fatalf("addressees[%d].role %q accepted", i, a.Role)
			}
			checkStoredText(t, "raw_text", a.RawText, false, 500)
		}
		if len(d.Themes) > 0 {
			if n := len(primaries(d.Themes)); n != 1 {
				t.Fatalf("%d primary themes accepted: %+v", n, d.Themes)
			}
		}
		codes := map[string]bool{}
		for i, th := range d.Themes {
			if th.Code == "" || codes[th.Code] {
				t.Fatalf("themes[%d].code %q accepted", i, th.Code)
			}
			codes[th.Code] = true
			if !cr.Valid(th.Source, cr.ThemeSources) {
				t.Fatalf("themes[%d].source %q accepted", i, th.Source)
			}
		}
		if d.InterventionType != nil && *d.InterventionType == "" {
			t.Fatal("empty intervention type kept")
		}
		// A draft that passed passes again unchanged.
		snapshot := append([]cr.ThemeDraft(nil), d.Themes...)
		if err := d.Validate(); err != nil {
			t.Fatalf("second Validate failed: %v", err)
		}
		for i := range snapshot {
			if snapshot[i] != d.Themes[i] {
				t.Fatalf("second Validate changed themes[%d]: %+v -> %+v", i, snapshot[i], d.Themes[i])
			}
		}
	})
}
