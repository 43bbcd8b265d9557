package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

func TestPaginationWalksEveryOrganisationOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		const n, limit = 23, 5
		var created []string // oldest first
		for i := 1; i <= n; i++ {
			created = append(created, idOf(create(t, s, "organisations", map[string]any{
				"name": fmt.Sprintf("Organisation %02d", i), "sector": "other"})))
		}

		var seen []string
		var names []string
		cursor := ""
		for page := 1; ; page++ {
			if page > n {
				t.Fatalf("more than %d pages: the cursor does not advance", n)
			}
			path := fmt.Sprintf("/api/v1/organisations?limit=%d", limit)
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			r := do(t, s, 200, "GET", path, nil)
			var raw map[string]json.RawMessage
			r.JSON(t, &raw)
			if _, ok := raw["next_cursor"]; !ok {
				t.Fatalf("page %d has no next_cursor member (want null on the last page): %s", page, r.Body)
			}
			var p struct {
				Items []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"items"`
				Total      int64   `json:"total"`
				NextCursor *string `json:"next_cursor"`
			}
			r.JSON(t, &p)
			if p.Total != n {
				t.Errorf("page %d: total %d, want %d", page, p.Total, n)
			}
			wantItems := limit
			if page == (n+limit-1)/limit {
				wantItems = n - (page-1)*limit
			}
			if len(p.Items) != wantItems {
				t.Errorf("page %d: %d items, want %d", page, len(p.Items), wantItems)
			}
			for _, it := range p.Items {
				seen = append(seen, it.ID)
				names = append(names, it.Name)
			}
			if p.NextCursor == nil {
				if page != (n+limit-1)/limit {
					t.Errorf("next_cursor is null on page %d, want %d pages", page, (n+limit-1)/limit)
				}
				break
			}
			if *p.NextCursor == "" {
				t.Fatalf("page %d: next_cursor is an empty string", page)
			}
			cursor = *p.NextCursor
		}

		// Every organisation once, newest first.
		if len(seen) != n {
			t.Fatalf("saw %d organisations, want %d: %v", len(seen), n, names)
		}
		once := map[string]bool{}
		for i, id := range seen {
			if once[id] {
				t.Errorf("organisation %s seen twice", id)
			}
			once[id] = true
			if want := created[n-1-i]; id != want {
				t.Errorf("position %d: %s (%s), want %s (Organisation %02d): not newest first", i, id, names[i], want, n-i)
			}
		}

		// A page that exactly fills the remainder still ends with a null cursor.
		var last struct {
			Items      []any   `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		do(t, s, 200, "GET", "/api/v1/organisations?limit=23", nil).JSON(t, &last)
		if len(last.Items) != n || last.NextCursor != nil {
			t.Errorf("limit=23: %d items, next_cursor %v; want 23 and null", len(last.Items), last.NextCursor)
		}
		// A filter pages the same way: the filtered total, not the table's.
		var filtered struct {
			Items      []struct{ Name string } `json:"items"`
			Total      int64                   `json:"total"`
			NextCursor *string                 `json:"next_cursor"`
		}
		do(t, s, 200, "GET", "/api/v1/organisations?q=organisation+1&limit=4", nil).JSON(t, &filtered)
		if filtered.Total != 10 || len(filtered.Items) != 4 || filtered.NextCursor == nil || filtered.Items[0].Name != "Organisation 19" {
			t.Errorf("q=organisation 1, limit 4: total %d, %d items, first %+v, next %v", filtered.Total, len(filtered.Items), filtered.Items, filtered.NextCursor)
		}
		do(t, s, 200, "GET", "/api/v1/organisations?q=organisation+1&limit=4&cursor="+url.QueryEscape(*filtered.NextCursor), nil).JSON(t, &filtered)
		if filtered.Total != 10 || len(filtered.Items) != 4 || filtered.Items[0].Name != "Organisation 15" {
			t.Errorf("q=organisation 1, second page: total %d, items %+v", filtered.Total, filtered.Items)
		}
	})
}
