package casereview_test

import (
	"encoding/base64"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestParsePageRequestLimit(t *testing.T) {
	cases := []struct {
		limit *int
		want  int
		bad   bool
	}{
		{nil, 50, false},
		{ptr(1), 1, false},
		{ptr(50), 50, false},
		{ptr(200), 200, false},
		{ptr(0), 0, true},
		{ptr(-1), 0, true},
		{ptr(201), 0, true},
		{ptr(1 << 40), 0, true},
	}
	for _, c := range cases {
		req, err := cr.ParsePageRequest(c.limit, nil)
		if c.bad {
			fe := wantOnly(t, err, "limit", cr.FieldInvalid)
			if fe.Message != "limit must be between 1 and 200" {
				t.Errorf("message %q", fe.Message)
			}
			continue
		}
		wantNil(t, err)
		if req.Limit != c.want || req.After != "" {
			t.Errorf("ParsePageRequest(%v) = %+v, want limit %d", c.limit, req, c.want)
		}
	}
	if cr.DefaultPageSize != 50 || cr.MaxPageSize != 200 {
		t.Errorf("page sizes %d/%d", cr.DefaultPageSize, cr.MaxPageSize)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []string{idA, idB, strings.ToUpper(idC)} {
		cur := cr.EncodeCursor(id)
		if strings.ContainsAny(cur, "+/=") {
			t.Errorf("cursor %q is not URL-safe unpadded base64", cur)
		}
		req, err := cr.ParsePageRequest(ptr(10), &cur)
		wantNil(t, err)
		if req.After != strings.ToLower(id) || req.Limit != 10 {
			t.Errorf("round trip of %q gave %+v", id, req)
		}
	}
	empty := ""
	req, err := cr.ParsePageRequest(nil, &empty)
	wantNil(t, err)
	if req.After != "" || req.Limit != 50 {
		t.Errorf("empty cursor gave %+v", req)
	}
}

func TestGarbageCursorsRejected(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	garbage := []string{
		"!!!",
		"not a cursor",
		idA,                        // a bare id is not a cursor
		cr.EncodeCursor(idA) + "=", // padding
		cr.EncodeCursor(idA)[1:],   // truncated
		base64.StdEncoding.EncodeToString([]byte(`{"a":"` + idA + `"}?`)),
		b64([]byte("not json")),
		b64([]byte("null")),
		b64([]byte("{}")),
		b64([]byte(`{"a":""}`)),
		b64([]byte(`{"a":"nope"}`)),
		b64([]byte(`{"a":42}`)),
		b64([]byte(`["` + idA + `"]`)),
		b64([]byte(`{"a":"` + idA + `x"}`)),
		cr.EncodeCursor("not-an-id"),
		cr.EncodeCursor(""),
	}
	for _, cur := range garbage {
		req, err := cr.ParsePageRequest(nil, &cur)
		fe := wantOnly(t, err, "cursor", cr.FieldInvalid)
		if req.After != "" {
			t.Errorf("cursor %q gave After %q", cur, req.After)
		}
		if strings.Contains(fe.Message, cur) && len(cur) > 3 {
			t.Errorf("message %q echoes the cursor", fe.Message)
		}
	}
}

func TestPageRequestReportsBothProblems(t *testing.T) {
	cur := "garbage"
	_, err := cr.ParsePageRequest(ptr(0), &cur)
	wantFields(t, err, [2]string{"limit", cr.FieldInvalid}, [2]string{"cursor", cr.FieldInvalid})
}
