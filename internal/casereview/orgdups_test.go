package casereview

import "testing"

func TestSuggestDuplicates(t *testing.T) {
	org := func(id, name string, aliases ...string) Organisation {
		return Organisation{ID: id, Name: name, Aliases: aliases}
	}
	cases := []struct {
		name   string
		a, b   Organisation
		reason DuplicateReason // "" when the pair must NOT be suggested
	}{
		{"folded case and spaces", org("1", "Eastmere  Police"), org("2", "EASTMERE POLICE"), DuplicateSameName},
		{"name is the other's alias", org("1", "Eastmere Police"), org("2", "EMP", "eastmere police"), DuplicateAlias},
		{"shared alias", org("1", "Eastmere Police", "E.M.P.", "emp"), org("2", "Eastmere Constab", "EMP"), DuplicateAlias},
		{"foundation trust", org("1", "Eastmere Hospitals NHS Trust"), org("2", "Eastmere Hospitals NHS Foundation Trust"), DuplicateSimilar},
		{"constabulary is police", org("1", "Eastmere Police"), org("2", "Eastmere Constabulary"), DuplicateSimilar},
		{"punctuation and ampersand", org("1", "St. Mary's Hospital & Clinics"), org("2", "Saint Marys Hospital and Clinics"), DuplicateSimilar},
		{"word order", org("1", "Council, Eastmere County"), org("2", "Eastmere County Council"), DuplicateSimilar},
		{"a typo", org("1", "Northumbria Police"), org("2", "Northumbira Police"), DuplicateSimilar},
		{"alias similar to a name", org("1", "Eastmere Hospitals NHS Trust"), org("2", "EHT", "Eastmere Hospitals Trust"), DuplicateSimilar},
		// Near misses.
		{"two places", org("1", "Eastmere Police"), org("2", "Westmere Police"), ""},
		{"two places, long names", org("1", "Eastmere Hospitals NHS Foundation Trust"), org("2", "Westmere Hospitals NHS Foundation Trust"), ""},
		{"one place, two services", org("1", "Eastmere Police"), org("2", "Eastmere County Council"), ""},
		{"children's and adults' services", org("1", "Eastmere Children's Services"), org("2", "Eastmere Adult Services"), ""},
		{"county and city", org("1", "Eastmere County Council"), org("2", "Eastmere City Council"), ""},
		{"only generic words shared", org("1", "NHS Trust"), org("2", "NHS Foundation Trust"), ""},
		{"short words one letter apart", org("1", "Bath Council"), org("2", "Bash Council"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SuggestDuplicates([]Organisation{c.a, c.b})
			if c.reason == "" {
				if len(got) != 0 {
					t.Fatalf("suggested %+v, want nothing", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d suggestions, want 1 (similarity %.2f)", len(got), NameSimilarity(c.a.Name, c.b.Name))
			}
			if got[0].Reason != c.reason {
				t.Errorf("reason %q, want %q", got[0].Reason, c.reason)
			}
			if got[0].Score < SimilarityThreshold || got[0].Score > 1 {
				t.Errorf("score %v out of range", got[0].Score)
			}
		})
	}
}

func TestSuggestDuplicatesOrder(t *testing.T) {
	got := SuggestDuplicates([]Organisation{
		{ID: "3", Name: "Zedbury Hospitals NHS Trust"}, {ID: "4", Name: "Zedbury Hospitals NHS Foundation Trust"},
		{ID: "1", Name: "Eastmere Police"}, {ID: "2", Name: "eastmere police"}, {ID: "5", Name: "Westmere Police"},
	})
	if len(got) != 2 {
		t.Fatalf("got %+v, want 2 pairs", got)
	}
	if got[0].Reason != DuplicateSameName || got[1].Reason != DuplicateSimilar {
		t.Errorf("order %+v: the surest first", got)
	}
	if got[1].AName != "Zedbury Hospitals NHS Foundation Trust" {
		t.Errorf("pair not in name order: %+v", got[1])
	}
}

func TestStrongerRole(t *testing.T) {
	for _, c := range []struct{ a, b, want AddresseeRole }{
		{RoleLead, RoleSupporting, RoleLead}, {RoleSupporting, RoleLead, RoleLead},
		{RoleForInformation, RoleSupporting, RoleSupporting}, {RoleForInformation, RoleForInformation, RoleForInformation},
	} {
		if got := StrongerRole(c.a, c.b); got != c.want {
			t.Errorf("StrongerRole(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}
